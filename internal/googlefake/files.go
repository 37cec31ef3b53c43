package googlefake

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// checkParams refuses, before any work is done, the standard parameters
// Google would refuse: an unknown alt, alt=media where there is no media,
// and a `fields` selection naming members the resource does not have.
func checkParams(kind Kind, q url.Values) *Failure {
	switch alt := q.Get("alt"); {
	case alt == "" || alt == "json":
	case alt == "media" && kind == KindMedia:
	default:
		e := invalidParam("alt", "Invalid value for alt: "+alt)
		return &e
	}
	var fail *Failure
	switch kind {
	case KindList:
		_, fail = selectFields(q.Get("fields"), defaultListFields, fileListType)
	case KindAbout:
		if q.Get("fields") != "" {
			_, fail = selectFields(q.Get("fields"), "", aboutType)
		}
	case KindCreate, KindChunk, KindGet, KindUpdate:
		_, fail = selectFields(q.Get("fields"), defaultFileFields, fileType)
	}
	return fail
}

// handleCreateMetadata is files.create without media: folders, mostly.
func (s *Server) handleCreateMetadata(w http.ResponseWriter, r *http.Request) {
	meta := s.readFileMeta(w, r, true)
	if meta == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, fail := s.createFileLocked(meta, grantFrom(r), nil, "", "")
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	s.writeFileLocked(w, r, http.StatusOK, f)
}

// handleGet is files.get: metadata, or with alt=media the bytes, Range
// requests included (206), as a resumed download needs.
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, fail := s.drive.lookup(r.PathValue("fileId"), grantFrom(r))
	if fail != nil {
		s.mu.Unlock()
		s.writeError(w, r, *fail)
		return
	}
	if r.URL.Query().Get("alt") != "media" {
		defer s.mu.Unlock()
		s.writeFileLocked(w, r, http.StatusOK, f)
		return
	}
	content, mimeType, modified, folder := f.content, f.mimeType, f.modified, f.isFolder()
	s.mu.Unlock()
	if folder {
		s.writeError(w, r, Failure{Code: 403, Reason: "fileNotDownloadable", Location: "alt", LocationType: "parameter",
			Message: "Only files with binary content can be downloaded. Use Export with Docs Editors files."})
		return
	}
	w.Header().Set("Content-Type", mimeType)
	http.ServeContent(w, r, "", modified, bytes.NewReader(content))
}

// handleUpdate is files.update (PATCH): metadata, trashed, property merges,
// and moves through addParents/removeParents.
func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request) {
	meta := s.readFileMeta(w, r, false)
	if meta == nil {
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	g := grantFrom(r)
	f, fail := s.drive.lookup(r.PathValue("fileId"), g)
	if fail == nil && (f.readOnly || f.id == rootID) {
		e := insufficientFilePermissions()
		fail = &e
	}
	var parents []string
	if fail == nil {
		parents, fail = s.moveLocked(f, g, splitList(q.Get("addParents")), splitList(q.Get("removeParents")))
	}
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	appProps, fail := mergeProperties(f.appProperties, meta.AppProperties)
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	props, fail := mergeProperties(f.properties, meta.Properties)
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	f.parents, f.appProperties, f.properties = parents, appProps, props
	if meta.Name != nil {
		f.name = *meta.Name
	}
	if meta.MimeType != nil && *meta.MimeType != "" && !f.isFolder() && *meta.MimeType != FolderMimeType {
		f.mimeType = *meta.MimeType
	}
	if meta.Description != nil {
		f.description = *meta.Description
	}
	if meta.Trashed != nil {
		f.trashed = *meta.Trashed
	}
	if meta.Starred != nil {
		f.starred = *meta.Starred
	}
	f.modified = s.now().Truncate(time.Millisecond)
	if meta.ModifiedTime != nil {
		f.modified = meta.ModifiedTime.Truncate(time.Millisecond)
	}
	f.version++
	s.writeFileLocked(w, r, http.StatusOK, f)
}

// moveLocked returns f's parents after removing and adding. Drive allows
// one parent per file since 2020, and no folder inside itself.
func (s *Server) moveLocked(f *file, g *grant, add, remove []string) ([]string, *Failure) {
	parents := slices.DeleteFunc(slices.Clone(f.parents), func(p string) bool {
		return slices.Contains(remove, p) || slices.Contains(remove, "root") && p == rootID
	})
	for _, id := range add {
		pid, fail := s.checkParentLocked(id, g)
		if fail != nil {
			return nil, fail
		}
		if s.drive.isAncestor(f.id, pid) {
			e := badRequest("A folder cannot be moved into itself or one of its descendants.")
			return nil, &e
		}
		if !slices.Contains(parents, pid) {
			parents = append(parents, pid)
		}
	}
	if len(parents) > 1 {
		e := Failure{Code: 403, Reason: "cannotAddParent", Message: "Increasing the number of parents is not allowed."}
		return nil, &e
	}
	return parents, nil
}

// handleDelete is files.delete: permanent, bypassing the trash, and for a
// folder everything below it. Only the owner may delete.
func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, fail := s.drive.lookup(r.PathValue("fileId"), grantFrom(r))
	if fail == nil && (f.owner != "" || f.readOnly || f.id == rootID) {
		e := insufficientFilePermissions()
		fail = &e
	}
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	s.drive.remove(f.id)
	w.WriteHeader(http.StatusNoContent)
}

// handleAbout is about.get, which in v3 insists on `fields`.
func (s *Server) handleAbout(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query().Get("fields")
	if raw == "" {
		s.writeError(w, r, Failure{Code: 400, Reason: "required", Location: "fields", LocationType: "parameter",
			Message: "The 'fields' parameter is required for this method."})
		return
	}
	fs, _ := selectFields(raw, "", aboutType) // checked by checkParams
	s.mu.Lock()
	defer s.mu.Unlock()
	d := &s.drive
	inDrive, inTrash := d.usage()
	quota := map[string]any{
		"usage":             strconv.FormatInt(inDrive+d.otherUsage, 10),
		"usageInDrive":      strconv.FormatInt(inDrive, 10),
		"usageInDriveTrash": strconv.FormatInt(inTrash, 10),
	}
	if d.limit > 0 {
		quota["limit"] = strconv.FormatInt(d.limit, 10)
	}
	about := map[string]any{
		"kind":            "drive#about",
		"user":            s.ownerJSON(""),
		"storageQuota":    quota,
		"maxUploadSize":   strconv.FormatInt(5<<40, 10),
		"appInstalled":    false,
		"canCreateDrives": false,
	}
	writeJSON(w, r, http.StatusOK, fs.apply(about))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
