package googlefake

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// listAll follows nextPageToken to the end and returns the names and the
// number of pages.
func (e *rawEnv) listAll(t *testing.T, kv ...string) ([]string, int) {
	t.Helper()
	var names []string
	pages, token := 0, ""
	for {
		q := jsonQuery(kv...)
		q.Set("fields", "nextPageToken,files(name)")
		if token != "" {
			q.Set("pageToken", token)
		}
		resp, body := e.do(t, req{method: "GET", path: "/drive/v3/files", query: q})
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		pages++
		m := decode(t, body)
		for _, f := range m["files"].([]any) {
			names = append(names, f.(map[string]any)["name"].(string))
		}
		token, _ = m["nextPageToken"].(string)
		if token == "" {
			return names, pages
		}
	}
}

func TestListPagingAndOrder(t *testing.T) {
	e := newRaw(t)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var want []string
	for i := range 25 {
		name := fmt.Sprintf("f%02d", i)
		want = append(want, name)
		// Created out of name order so that the orders differ.
		e.s.AddFile(FileSpec{Name: name, CreatedTime: base.Add(time.Duration((i*7)%25) * time.Hour)})
	}
	byCreated := slices.Clone(want)
	slices.SortFunc(byCreated, func(a, b string) int {
		var i, j int
		fmt.Sscanf(a, "f%d", &i)
		fmt.Sscanf(b, "f%d", &j)
		return (i*7)%25 - (j*7)%25
	})

	got, pages := e.listAll(t, "pageSize", "10", "orderBy", "name")
	if !slices.Equal(got, want) || pages != 3 {
		t.Fatalf("by name: %d pages %q", pages, got)
	}
	got, _ = e.listAll(t, "pageSize", "7", "orderBy", "createdTime")
	if !slices.Equal(got, byCreated) {
		t.Fatalf("by createdTime: %q", got)
	}
	got, _ = e.listAll(t, "orderBy", "createdTime desc,name")
	if slices.Reverse(got); !slices.Equal(got, byCreated) {
		t.Fatalf("by createdTime desc: %q", got)
	}

	e.s.SetListPageLimit(4) // Drive may return short pages
	got, pages = e.listAll(t, "pageSize", "1000", "orderBy", "name")
	if !slices.Equal(got, want) || pages != 7 {
		t.Fatalf("short pages: %d pages %q", pages, got)
	}
}

func TestListParameters(t *testing.T) {
	e := newRaw(t)
	e.s.AddFile(FileSpec{Name: "a", Content: []byte("abc")})
	e.s.AddFile(FileSpec{Name: "b"})

	// Without fields: kind, id, name, mimeType per file, nothing else.
	resp, body := e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery("pageSize", "1")})
	m := decode(t, body)
	f := m["files"].([]any)[0].(map[string]any)
	if resp.StatusCode != 200 || len(f) != 4 || f["kind"] != "drive#file" || f["mimeType"] != "application/octet-stream" {
		t.Fatalf("default fields: %s", body)
	}
	if m["kind"] != "drive#fileList" || m["nextPageToken"] == nil || m["incompleteSearch"] != false {
		t.Fatalf("default list fields: %s", body)
	}
	token := m["nextPageToken"].(string)

	_, body = e.do(t, req{method: "GET", path: "/drive/v3/files",
		query: jsonQuery("fields", "files(id,size,md5Checksum,capabilities/canEdit)", "orderBy", "name", "pageSize", "1")})
	f = decode(t, body)["files"].([]any)[0].(map[string]any)
	if f["size"] != "3" || f["md5Checksum"] != md5Hex([]byte("abc")) || len(f) != 4 ||
		f["capabilities"].(map[string]any)["canEdit"] != true || len(f["capabilities"].(map[string]any)) != 1 {
		t.Fatalf("nested fields: %s", body)
	}

	for _, c := range []struct{ key, value, loc, reason string }{
		{"pageSize", "0", "pageSize", "invalid"},
		{"pageSize", "1001", "pageSize", "invalid"},
		{"pageSize", "ten", "pageSize", "invalid"},
		{"orderBy", "size", "orderBy", "invalid"},
		{"orderBy", "name sideways", "orderBy", "invalid"},
		{"pageToken", "garbage!", "pageToken", "invalid"},
		{"fields", "files(id,colour)", "fields", "invalidParameter"},
		{"fields", "files(id", "fields", "invalidParameter"},
		{"alt", "xml", "alt", "invalid"},
		{"alt", "media", "alt", "invalid"},
	} {
		resp, body := e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery(c.key, c.value)})
		if ge := wantError(t, resp, body, 400, c.reason); ge.Error.Errors[0].Location != c.loc {
			t.Fatalf("%s=%s: %s", c.key, c.value, body)
		}
	}
	// A page token belongs to its query.
	resp, body = e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery("pageToken", token, "q", "trashed = false")})
	wantError(t, resp, body, 400, "invalid")
}

// TestDriveFileScope checks that a drive.file token sees only what the app
// made, so a folder made in the web UI is "not found".
func TestDriveFileScope(t *testing.T) {
	e := newRaw(t)
	web := e.s.AddFolder("Made in the web UI")
	e.s.AddFile(FileSpec{Name: "made by app", MimeType: FolderMimeType, ByApp: true})
	e.token = e.s.AccessToken(ScopeDriveFile)
	mine := e.createFolder(t, "made through the API", "")

	got, _ := e.listAll(t)
	if !slices.Equal(got, []string{"made by app", "made through the API"}) {
		t.Fatalf("drive.file lists %q", got)
	}
	resp, body := e.do(t, req{method: "GET", path: "/drive/v3/files/" + web.ID, query: jsonQuery()})
	wantError(t, resp, body, 404, "notFound")
	if resp, _ := e.do(t, req{method: "GET", path: "/drive/v3/files/" + mine, query: jsonQuery()}); resp.StatusCode != 200 {
		t.Fatalf("own folder: %d", resp.StatusCode)
	}
}
