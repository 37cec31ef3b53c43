package googlefake

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"reflect"
	"time"

	drive "google.golang.org/api/drive/v3"
)

// fileMeta is the writable part of a File resource in a create or update
// body. Pointers tell "absent" from "empty"; a null property value deletes
// the key on update.
type fileMeta struct {
	Name          *string            `json:"name"`
	MimeType      *string            `json:"mimeType"`
	Description   *string            `json:"description"`
	Parents       []string           `json:"parents"`
	AppProperties map[string]*string `json:"appProperties"`
	Properties    map[string]*string `json:"properties"`
	Trashed       *bool              `json:"trashed"`
	Starred       *bool              `json:"starred"`
	CreatedTime   *time.Time         `json:"createdTime"`
	ModifiedTime  *time.Time         `json:"modifiedTime"`
}

// Drive's limits on custom properties, per app.
const (
	maxPropertyBytes = 124 // key + value, UTF-8
	maxProperties    = 30
)

// notWritable are File fields Drive computes itself; a body that sets one
// is refused rather than silently ignored.
var notWritable = map[string]bool{
	"size": true, "md5Checksum": true, "sha1Checksum": true, "sha256Checksum": true,
	"quotaBytesUsed": true, "webViewLink": true, "webContentLink": true, "capabilities": true,
	"owners": true, "ownedByMe": true, "version": true, "explicitlyTrashed": true,
	"fileExtension": true, "fullFileExtension": true, "headRevisionId": true, "iconLink": true,
}

var fileFields = jsonNames(reflect.TypeFor[drive.File]())

// parseFileMeta reads a create (or, with create false, update) body.
// Unknown names are refused as Google's JSON front end does; known but
// unsupported ones (say folderColorRgb) are accepted and ignored.
func parseFileMeta(body []byte, create bool) (*fileMeta, *Failure) {
	meta := &fileMeta{}
	if len(bytes.TrimSpace(body)) == 0 {
		return meta, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		e := badRequest("Invalid JSON payload received. %v", err)
		return nil, &e
	}
	for k := range raw {
		switch {
		case !fileFields[k]:
			e := badRequest("Invalid JSON payload received. Unknown name %q: Cannot find field.", k)
			return nil, &e
		case notWritable[k] || (k == "createdTime" && !create):
			e := Failure{Code: 403, Reason: "fieldNotWritable",
				Message: "The resource body includes fields which are not directly writable."}
			return nil, &e
		case k == "parents" && !create:
			e := Failure{Code: 403, Reason: "fieldNotWritable",
				Message: "The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead."}
			return nil, &e
		}
	}
	if err := json.Unmarshal(body, meta); err != nil {
		e := badRequest("Invalid JSON payload received. %v", err)
		return nil, &e
	}
	for _, props := range []map[string]*string{meta.AppProperties, meta.Properties} {
		for k, v := range props {
			if v != nil && len(k)+len(*v) > maxPropertyBytes {
				// The wording is the fake's; the limit is Drive's.
				e := badRequest("The size of the property %q exceeds the limit of %d bytes for key and value.", k, maxPropertyBytes)
				return nil, &e
			}
		}
	}
	return meta, nil
}

// mergeProperties applies a body's property changes to have.
func mergeProperties(have map[string]string, change map[string]*string) (map[string]string, *Failure) {
	if change == nil {
		return have, nil
	}
	out := maps.Clone(have)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range change {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = *v
		}
	}
	if len(out) > maxProperties {
		e := badRequest("The number of properties exceeds the limit of %d per app.", maxProperties)
		return nil, &e
	}
	return out, nil
}

// checkParentLocked says whether g may put a file into folder id, and
// resolves the "root" alias.
func (s *Server) checkParentLocked(id string, g *grant) (string, *Failure) {
	p, fail := s.drive.lookup(id, g)
	if fail != nil {
		return "", fail
	}
	if !p.isFolder() {
		// Reported from live Drive as 403 parentNotAFolder; some report 400.
		e := Failure{Code: 403, Reason: "parentNotAFolder", Message: "The specified parent is not a folder."}
		return "", &e
	}
	// A trashed folder reports canAddChildren false, so the fake refuses
	// it too rather than let a test pass that Drive might fail.
	if p.readOnly || s.drive.trashed(p) {
		e := insufficientFilePermissions()
		return "", &e
	}
	return p.id, nil
}

// checkCreateLocked validates a create before any byte is stored: parents
// and, when the size is known, the quota.
func (s *Server) checkCreateLocked(meta *fileMeta, g *grant, size int64) ([]string, *Failure) {
	parents := meta.Parents
	if len(parents) == 0 {
		parents = []string{rootID}
	}
	if len(parents) > 1 {
		e := Failure{Code: 403, Reason: "cannotAddParent", Message: "Increasing the number of parents is not allowed."}
		return nil, &e
	}
	pid, fail := s.checkParentLocked(parents[0], g)
	if fail != nil {
		return nil, fail
	}
	if size > 0 && !s.drive.fits(size) {
		e := StorageQuotaExceeded()
		return nil, &e
	}
	return []string{pid}, nil
}

// createFileLocked stores a new file with content; contentType is the
// media's type, used when the metadata names none; sum is the content's
// md5 in hex when the caller hashed it as it arrived, or "".
func (s *Server) createFileLocked(meta *fileMeta, g *grant, content []byte, contentType, sum string) (*file, *Failure) {
	parents, fail := s.checkCreateLocked(meta, g, int64(len(content)))
	if fail != nil {
		return nil, fail
	}
	appProps, fail := mergeProperties(nil, meta.AppProperties)
	if fail != nil {
		return nil, fail
	}
	props, fail := mergeProperties(nil, meta.Properties)
	if fail != nil {
		return nil, fail
	}
	mimeType := deref(meta.MimeType, contentType)
	if mimeType == "" {
		mimeType = "application/octet-stream"
	}
	if mimeType == FolderMimeType && len(content) > 0 {
		e := badRequest("A folder cannot have content.")
		return nil, &e
	}
	now := s.now().Truncate(time.Millisecond)
	f := s.drive.newFile(now)
	f.name = deref(meta.Name, "Untitled")
	f.mimeType = mimeType
	f.description = deref(meta.Description, "")
	f.parents = parents
	f.appProperties, f.properties = appProps, props
	f.trashed = meta.Trashed != nil && *meta.Trashed
	f.starred = meta.Starred != nil && *meta.Starred
	f.app = g.clientID
	if meta.CreatedTime != nil {
		f.created = meta.CreatedTime.Truncate(time.Millisecond)
	}
	if meta.ModifiedTime != nil {
		f.modified = meta.ModifiedTime.Truncate(time.Millisecond)
	}
	if !f.isFolder() {
		f.content = content
		f.md5 = sum
		if sum == "" {
			f.md5 = md5Hex(content)
		}
		if s.takeWrongMD5Locked() {
			f.md5 = md5Hex(append([]byte("googlefake corrupted "), content...))
		}
	}
	return f, nil
}

func deref(p *string, def string) string {
	if p == nil || *p == "" {
		return def
	}
	return *p
}

// jsonNames is the set of JSON member names of a struct type.
func jsonNames(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := range t.NumField() {
		if name := jsonName(t.Field(i)); name != "" {
			out[name] = true
		}
	}
	return out
}

// readFileMeta reads a request's JSON metadata; on a problem it answers the
// request itself and returns nil.
func (s *Server) readFileMeta(w http.ResponseWriter, r *http.Request, create bool) *fileMeta {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.writeError(w, r, badRequest("Could not read the request body."))
		return nil
	}
	meta, fail := parseFileMeta(body, create)
	if fail != nil {
		s.writeError(w, r, *fail)
		return nil
	}
	return meta
}
