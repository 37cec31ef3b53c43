package googlefake

import (
	"maps"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// fileJSON is the full File resource as Drive v3 writes it. Int64 members
// (size, quotaBytesUsed, version) are JSON strings, as in every Google API.
func (s *Server) fileJSON(f *file) map[string]any {
	d := &s.drive
	trashed := d.trashed(f)
	writable := !f.readOnly
	owned := f.owner == ""
	m := map[string]any{
		"kind":              "drive#file",
		"id":                f.id,
		"name":              f.name,
		"mimeType":          f.mimeType,
		"starred":           f.starred,
		"trashed":           trashed,
		"explicitlyTrashed": f.trashed,
		"createdTime":       rfc3339Millis(f.created),
		"modifiedTime":      rfc3339Millis(f.modified),
		"version":           strconv.FormatInt(f.version, 10),
		"spaces":            []any{"drive"},
		"ownedByMe":         owned,
		"shared":            !owned,
		"owners":            []any{s.ownerJSON(f.owner)},
		"iconLink":          "https://drive-thirdparty.googleusercontent.com/16/type/" + f.mimeType,
		"quotaBytesUsed":    "0",
		"capabilities": map[string]any{
			// A trashed folder takes no new children, so the flag alone
			// tells a caller whether the folder is a usable destination.
			"canAddChildren":   f.isFolder() && writable && !trashed,
			"canListChildren":  f.isFolder(),
			"canEdit":          writable,
			"canRename":        writable,
			"canModifyContent": writable && !f.isFolder(),
			"canDownload":      true,
			"canTrash":         owned && writable,
			"canDelete":        owned && writable,
		},
	}
	if len(f.parents) > 0 {
		m["parents"] = stringsAny(f.parents)
	}
	if f.description != "" {
		m["description"] = f.description
	}
	if len(f.appProperties) > 0 {
		m["appProperties"] = maps.Clone(f.appProperties)
	}
	if len(f.properties) > 0 {
		m["properties"] = maps.Clone(f.properties)
	}
	if f.isFolder() {
		m["webViewLink"] = "https://drive.google.com/drive/folders/" + f.id
		return m
	}
	size := strconv.Itoa(len(f.content))
	m["size"] = size
	if owned {
		m["quotaBytesUsed"] = size
	}
	m["md5Checksum"] = f.md5
	m["originalFilename"] = f.name
	if ext := strings.TrimPrefix(path.Ext(f.name), "."); ext != "" {
		m["fileExtension"] = ext
		m["fullFileExtension"] = ext
	}
	m["webViewLink"] = "https://drive.google.com/file/d/" + f.id + "/view?usp=drivesdk"
	m["webContentLink"] = "https://drive.google.com/uc?id=" + f.id + "&export=download"
	return m
}

func (s *Server) ownerJSON(email string) map[string]any {
	u := s.drive.user
	if email != "" {
		return map[string]any{"kind": "drive#user", "displayName": email, "emailAddress": email, "me": false}
	}
	return map[string]any{"kind": "drive#user", "displayName": u.DisplayName, "emailAddress": u.EmailAddress,
		"permissionId": u.PermissionID, "me": true}
}

// writeFile answers one File resource with the request's `fields`.
func (s *Server) writeFileLocked(w http.ResponseWriter, r *http.Request, status int, f *file) {
	fs, fail := selectFields(r.URL.Query().Get("fields"), defaultFileFields, fileType)
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	writeJSON(w, r, status, fs.apply(s.fileJSON(f)))
}

func stringsAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
