package googlefake

import (
	"net/url"
	"strings"
	"testing"
)

var jsonCT = map[string]string{"Content-Type": "application/json"}

func TestGetAndMedia(t *testing.T) {
	e := newRaw(t)
	content := patterned(5000)
	f := e.s.AddFile(FileSpec{Name: "x.dump", Content: content, MimeType: "application/x-dump"})
	folder := e.s.AddFolder("Backups")

	resp, body := e.do(t, req{method: "GET", path: "/drive/v3/files/" + f.ID, query: jsonQuery()})
	if m := decode(t, body); resp.StatusCode != 200 || len(m) != 4 || m["id"] != f.ID || m["name"] != "x.dump" {
		t.Fatalf("default get: %s", body)
	}
	_, body = e.do(t, req{method: "GET", path: "/drive/v3/files/" + folder.ID,
		query: jsonQuery("fields", "id,mimeType,trashed,capabilities(canAddChildren),size,webViewLink")})
	m := decode(t, body)
	if m["mimeType"] != FolderMimeType || m["trashed"] != false || m["size"] != nil ||
		m["capabilities"].(map[string]any)["canAddChildren"] != true ||
		m["webViewLink"] != "https://drive.google.com/drive/folders/"+folder.ID {
		t.Fatalf("folder: %s", body)
	}
	_, body = e.do(t, req{method: "GET", path: "/drive/v3/files/root", query: jsonQuery("fields", "id")})
	if decode(t, body)["id"] != e.s.RootID() {
		t.Fatalf("root alias: %s", body)
	}

	mq := url.Values{"alt": {"media"}}
	resp, body = e.do(t, req{method: "GET", path: "/drive/v3/files/" + f.ID, query: mq})
	if resp.StatusCode != 200 || string(body) != string(content) || resp.Header.Get("Content-Type") != "application/x-dump" {
		t.Fatalf("media: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, body = e.do(t, req{method: "GET", path: "/drive/v3/files/" + f.ID, query: mq, hdr: map[string]string{"Range": "bytes=4000-"}})
	if resp.StatusCode != 206 || string(body) != string(content[4000:]) || resp.Header.Get("Content-Range") != "bytes 4000-4999/5000" {
		t.Fatalf("range: %d %q", resp.StatusCode, resp.Header.Get("Content-Range"))
	}
	resp, body = e.do(t, req{method: "GET", path: "/drive/v3/files/" + folder.ID, query: mq})
	wantError(t, resp, body, 403, "fileNotDownloadable")

	resp, body = e.do(t, req{method: "GET", path: "/drive/v3/files/nope", query: jsonQuery()})
	ge := wantError(t, resp, body, 404, "notFound")
	if ge.Error.Message != "File not found: nope." || ge.Error.Status != "NOT_FOUND" || ge.Error.Errors[0].Location != "fileId" {
		t.Fatalf("%s", body)
	}
}

func TestCreateChecks(t *testing.T) {
	e := newRaw(t)
	file := e.s.AddFile(FileSpec{Name: "not a folder"})
	hidden := e.s.AddFile(FileSpec{Name: "someone else's", MimeType: FolderMimeType, Hidden: true})
	reader := e.s.AddFile(FileSpec{Name: "shared as reader", MimeType: FolderMimeType, Owner: "friend@example.com", ReadOnly: true})
	trashed := e.s.AddFolder("trashed")
	e.s.SetTrashed(trashed.ID, true)
	a, b := e.s.AddFolder("a"), e.s.AddFolder("b")

	cases := []struct {
		name, body string
		code       int
		reason     string
	}{
		{"parent is a file", `{"name":"x","parents":["` + file.ID + `"]}`, 403, "parentNotAFolder"},
		{"parent not shared", `{"name":"x","parents":["` + hidden.ID + `"]}`, 404, "notFound"},
		{"parent unknown", `{"name":"x","parents":["nope"]}`, 404, "notFound"},
		{"parent read-only", `{"name":"x","parents":["` + reader.ID + `"]}`, 403, "insufficientFilePermissions"},
		{"parent trashed", `{"name":"x","parents":["` + trashed.ID + `"]}`, 403, "insufficientFilePermissions"},
		{"two parents", `{"name":"x","parents":["` + a.ID + `","` + b.ID + `"]}`, 403, "cannotAddParent"},
		{"unknown field", `{"name":"x","colour":"red"}`, 400, "badRequest"},
		{"computed field", `{"name":"x","size":"5"}`, 403, "fieldNotWritable"},
		{"property too big", `{"name":"x","appProperties":{"k":"` + strings.Repeat("v", 124) + `"}}`, 400, "badRequest"},
		{"not JSON", `{"name":`, 400, "badRequest"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.do(t, req{method: "POST", path: "/drive/v3/files", query: jsonQuery(),
				body: strings.NewReader(c.body), hdr: jsonCT})
			wantError(t, resp, body, c.code, c.reason)
		})
	}

	_, body := e.do(t, req{method: "GET", path: "/drive/v3/files/" + trashed.ID, query: jsonQuery("fields", "trashed,capabilities")})
	m := decode(t, body)
	if m["trashed"] != true || m["capabilities"].(map[string]any)["canAddChildren"] != false {
		t.Fatalf("trashed folder: %s", body)
	}
	_, body = e.do(t, req{method: "GET", path: "/drive/v3/files/" + reader.ID, query: jsonQuery("fields", "capabilities/canAddChildren,ownedByMe")})
	if m := decode(t, body); m["capabilities"].(map[string]any)["canAddChildren"] != false || m["ownedByMe"] != false {
		t.Fatalf("read-only folder: %s", body)
	}
}

func TestUpdateAndDelete(t *testing.T) {
	e := newRaw(t)
	a := e.createFolder(t, "a", "")
	b := e.createFolder(t, "b", "")
	sub := e.createFolder(t, "sub", a)
	f := e.s.AddFile(FileSpec{Name: "f", Parents: []string{a}, Content: []byte("x"),
		AppProperties: map[string]string{"keep": "1", "drop": "2"}})

	patch := func(id, body string, kv ...string) (int, []byte) {
		resp, b := e.do(t, req{method: "PATCH", path: "/drive/v3/files/" + id,
			query: jsonQuery(append(kv, "fields", "name,parents,trashed,appProperties")...),
			body:  strings.NewReader(body), hdr: jsonCT})
		return resp.StatusCode, b
	}
	code, body := patch(f.ID, `{"name":"g","appProperties":{"drop":null,"new":"3"}}`, "addParents", b, "removeParents", a)
	m := decode(t, body)
	ap := m["appProperties"].(map[string]any)
	if code != 200 || m["name"] != "g" || m["parents"].([]any)[0] != b || ap["keep"] != "1" || ap["new"] != "3" || ap["drop"] != nil {
		t.Fatalf("update: %d %s", code, body)
	}
	if code, body = patch(f.ID, `{"trashed":true}`); code != 200 || decode(t, body)["trashed"] != true {
		t.Fatalf("trash: %d %s", code, body)
	}
	code, body = patch(f.ID, `{"parents":["`+a+`"]}`)
	if code != 403 || !strings.Contains(string(body), "fieldNotWritable") {
		t.Fatalf("parents in body: %d %s", code, body)
	}
	if code, body = patch(f.ID, `{}`, "addParents", a); code != 403 || !strings.Contains(string(body), "cannotAddParent") {
		t.Fatalf("second parent: %d %s", code, body)
	}
	if code, body = patch(a, `{}`, "addParents", sub, "removeParents", "root"); code != 400 {
		t.Fatalf("folder into its own child: %d %s", code, body)
	}

	// Deleting a folder deletes what is inside, permanently.
	resp, body := e.do(t, req{method: "DELETE", path: "/drive/v3/files/" + a, query: jsonQuery()})
	if resp.StatusCode != 204 || len(body) != 0 {
		t.Fatalf("delete: %d %q", resp.StatusCode, body)
	}
	if _, ok := e.s.File(sub); ok {
		t.Fatal("child of a deleted folder survived")
	}
	resp, body = e.do(t, req{method: "DELETE", path: "/drive/v3/files/" + a, query: jsonQuery()})
	wantError(t, resp, body, 404, "notFound")

	shared := e.s.AddFile(FileSpec{Name: "theirs", Owner: "friend@example.com"})
	resp, body = e.do(t, req{method: "DELETE", path: "/drive/v3/files/" + shared.ID, query: jsonQuery()})
	wantError(t, resp, body, 403, "insufficientFilePermissions")
}

// TestPrettyPrint checks that the fake, like Google, indents unless told
// prettyPrint=false; clients must accept both.
func TestPrettyPrint(t *testing.T) {
	e := newRaw(t)
	_, body := e.do(t, req{method: "GET", path: "/drive/v3/about", query: url.Values{"fields": {"user"}}})
	if !strings.Contains(string(body), "\n  ") {
		t.Fatalf("not indented: %s", body)
	}
	_, body = e.do(t, req{method: "GET", path: "/drive/v3/about", query: jsonQuery("fields", "user")})
	if strings.Count(string(body), "\n") != 1 {
		t.Fatalf("indented despite prettyPrint=false: %s", body)
	}
}
