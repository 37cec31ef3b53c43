package googlefake

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// handleList is files.list. Trashed files are listed unless q says
// trashed = false; the root folder never is. Without orderBy the order is
// unspecified on Drive; the fake uses creation order. A page may be shorter
// than pageSize (see SetListPageLimit), as on Drive: only the absence of
// nextPageToken ends a listing.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fs, _ := selectFields(q.Get("fields"), defaultListFields, fileListType) // checked by checkParams
	pageSize := 100
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			s.writeError(w, r, invalidParam("pageSize",
				fmt.Sprintf("Invalid value '%s'. Values must be within the range: [1, 1000]", v)))
			return
		}
		pageSize = n
	}
	cond, err := parseQuery(q.Get("q"))
	if err != nil {
		s.writeError(w, r, invalidParam("q", "Invalid Value"))
		return
	}
	less, err := parseOrderBy(q.Get("orderBy"))
	if err != nil {
		s.writeError(w, r, invalidParam("orderBy", "Invalid Value"))
		return
	}
	query := q.Get("q") + "\x00" + q.Get("orderBy")
	offset := 0
	if tok := q.Get("pageToken"); tok != "" {
		if offset, err = decodePageToken(tok, query); err != nil {
			s.writeError(w, r, invalidParam("pageToken", "Invalid Value"))
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	d := &s.drive
	g := grantFrom(r)
	var hits []*file
	for _, f := range d.files {
		if f.id != rootID && d.visible(f, g) && (cond == nil || cond.match(d, f)) {
			hits = append(hits, f)
		}
	}
	slices.SortFunc(hits, func(a, b *file) int {
		if c := less(a, b); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	if d.pageCap > 0 {
		pageSize = min(pageSize, d.pageCap)
	}
	offset = min(offset, len(hits))
	end := min(offset+pageSize, len(hits))
	files := make([]any, 0, end-offset)
	for _, f := range hits[offset:end] {
		files = append(files, s.fileJSON(f))
	}
	out := map[string]any{"kind": "drive#fileList", "incompleteSearch": false, "files": files}
	if end < len(hits) {
		out["nextPageToken"] = encodePageToken(end, query)
	}
	writeJSON(w, r, http.StatusOK, fs.apply(out))
}

// parseOrderBy turns "createdTime desc,name" into a comparison.
func parseOrderBy(s string) (func(a, b *file) int, error) {
	var keys []func(a, b *file) int
	for _, item := range splitList(s) {
		words := strings.Fields(item)
		desc := len(words) == 2 && words[1] == "desc"
		if len(words) == 0 || len(words) > 2 || len(words) == 2 && !desc && words[1] != "asc" {
			return nil, fmt.Errorf("bad orderBy item %q", item)
		}
		key, ok := orderKeys[words[0]]
		if !ok {
			return nil, fmt.Errorf("unknown orderBy key %q", words[0])
		}
		if desc {
			asc := key
			key = func(a, b *file) int { return asc(b, a) }
		}
		keys = append(keys, key)
	}
	return func(a, b *file) int {
		for _, k := range keys {
			if c := k(a, b); c != 0 {
				return c
			}
		}
		return 0
	}, nil
}

// orderKeys are Drive's orderBy keys; the per-user times the fake does not
// track sort like modifiedTime.
var orderKeys = map[string]func(a, b *file) int{
	"createdTime":      func(a, b *file) int { return a.created.Compare(b.created) },
	"modifiedTime":     func(a, b *file) int { return a.modified.Compare(b.modified) },
	"modifiedByMeTime": func(a, b *file) int { return a.modified.Compare(b.modified) },
	"viewedByMeTime":   func(a, b *file) int { return a.modified.Compare(b.modified) },
	"recency":          func(a, b *file) int { return a.modified.Compare(b.modified) },
	"sharedWithMeTime": func(a, b *file) int { return a.modified.Compare(b.modified) },
	"name":             compareNames,
	"name_natural":     compareNames,
	"folder":           func(a, b *file) int { return -cmp.Compare(boolInt(a.isFolder()), boolInt(b.isFolder())) },
	"quotaBytesUsed":   func(a, b *file) int { return cmp.Compare(len(a.content), len(b.content)) },
	"starred":          func(a, b *file) int { return -cmp.Compare(boolInt(a.starred), boolInt(b.starred)) },
}

func compareNames(a, b *file) int {
	if c := cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)); c != 0 {
		return c
	}
	return cmp.Compare(a.name, b.name)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Page tokens carry the offset and a fingerprint of the query, so a token
// used with another q or orderBy is refused instead of paging nonsense.
func encodePageToken(offset int, query string) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d:%x", offset, fingerprint(query)))
}

func decodePageToken(tok, query string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	var offset int
	var sum uint64
	if _, err := fmt.Sscanf(string(raw), "%d:%x", &offset, &sum); err != nil {
		return 0, err
	}
	if sum != fingerprint(query) || offset < 0 {
		return 0, fmt.Errorf("page token of another query")
	}
	return offset, nil
}

func fingerprint(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
