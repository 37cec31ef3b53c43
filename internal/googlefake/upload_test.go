package googlefake

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
)

// TestMultipartChunked sends multipart/related without Content-Length, the
// way the Go client streams it.
func TestMultipartChunked(t *testing.T) {
	e := newRaw(t)
	folder := e.createFolder(t, "Backups", "")
	content := patterned(100_000)

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"application/json; charset=UTF-8"}})
		fmt.Fprintf(part, `{"name":"db.dump","parents":[%q],"appProperties":{"tool":"dbbackup","set":"s1"}}`, folder)
		part, _ = mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"application/octet-stream"}})
		_, _ = part.Write(content)
		_ = mw.Close()
		_ = pw.Close()
	}()
	q := jsonQuery("uploadType", "multipart", "fields", "id,name,size,md5Checksum,parents,appProperties,quotaBytesUsed,createdTime,modifiedTime,webViewLink,webContentLink,mimeType")
	resp, body := e.do(t, req{method: "POST", path: "/upload/drive/v3/files", query: q, body: pr,
		hdr: map[string]string{"Content-Type": "multipart/related; boundary=" + mw.Boundary()}})
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if e.s.Requests()[1].Header.Get("Content-Length") != "" {
		t.Fatal("the request was not chunked")
	}
	m := decode(t, body)
	id := m["id"].(string)
	want := map[string]any{
		"name":           "db.dump",
		"size":           "100000", // int64 as a JSON string
		"quotaBytesUsed": "100000",
		"md5Checksum":    md5Hex(content),
		"createdTime":    "2026-02-10T02:00:00.000Z",
		"modifiedTime":   "2026-02-10T02:00:00.000Z",
		"mimeType":       "application/octet-stream",
		"webViewLink":    "https://drive.google.com/file/d/" + id + "/view?usp=drivesdk",
		"webContentLink": "https://drive.google.com/uc?id=" + id + "&export=download",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %#v, want %#v", k, m[k], v)
		}
	}
	if p := m["parents"].([]any); len(p) != 1 || p[0] != folder {
		t.Errorf("parents %v", p)
	}
	if ap := m["appProperties"].(map[string]any); ap["tool"] != "dbbackup" || ap["set"] != "s1" {
		t.Errorf("appProperties %v", ap)
	}
	if len(m) != len(want)+3 {
		t.Errorf("fields not honoured: %v", m)
	}
	if got, _ := e.s.Content(id); !bytes.Equal(got, content) {
		t.Fatal("stored bytes differ")
	}
}

// startSession opens a resumable session and returns its absolute URI.
func (e *rawEnv) startSession(t *testing.T, meta string, hdr map[string]string) string {
	t.Helper()
	if hdr == nil {
		hdr = map[string]string{}
	}
	hdr["Content-Type"] = "application/json; charset=UTF-8"
	resp, body := e.do(t, req{method: "POST", path: "/upload/drive/v3/files",
		query: jsonQuery("uploadType", "resumable", "fields", "id,size,md5Checksum"), body: strings.NewReader(meta), hdr: hdr})
	loc := resp.Header.Get("Location")
	u, err := url.Parse(loc)
	if resp.StatusCode != 200 || err != nil || !u.IsAbs() || u.Query().Get("upload_id") == "" || len(body) != 0 {
		t.Fatalf("start: %d Location %q body %q", resp.StatusCode, loc, body)
	}
	return loc
}

// chunk sends one request to a session URI.
func (e *rawEnv) chunk(t *testing.T, method, loc, contentRange string, data []byte, no308 bool) (*http.Response, []byte) {
	t.Helper()
	hdr := map[string]string{"Content-Type": "application/octet-stream"}
	if contentRange != "" {
		hdr["Content-Range"] = contentRange
	}
	if no308 {
		hdr["X-GUploader-No-308"] = "yes"
	}
	return e.do(t, req{method: method, path: strings.TrimPrefix(loc, e.url), body: bytes.NewReader(data), hdr: hdr})
}

// wantIncomplete checks a "resume incomplete" answer in either form.
func wantIncomplete(t *testing.T, resp *http.Response, no308 bool, wantRange string) {
	t.Helper()
	if no308 {
		if resp.StatusCode != 200 || resp.Header.Get("X-Http-Status-Code-Override") != "308" {
			t.Fatalf("status %d override %q", resp.StatusCode, resp.Header.Get("X-Http-Status-Code-Override"))
		}
	} else if resp.StatusCode != 308 || resp.Header.Get("X-Http-Status-Code-Override") != "" {
		t.Fatalf("status %d, want a literal 308", resp.StatusCode)
	}
	if got := resp.Header.Get("Range"); got != wantRange {
		t.Fatalf("Range %q, want %q", got, wantRange)
	}
}

func TestResumableChunks(t *testing.T) {
	const g = 1024
	content := patterned(3*g + 100)
	for _, c := range []struct {
		name   string
		method string
		no308  bool
	}{{"go client: POST and override header", "POST", true}, {"rclone: PUT and literal 308", "PUT", false}} {
		t.Run(c.name, func(t *testing.T) {
			e := newRaw(t)
			e.s.SetUploadGranularity(g)
			loc := e.startSession(t, `{"name":"big.dump"}`, map[string]string{"X-Upload-Content-Type": "application/x-dump"})

			resp, _ := e.chunk(t, c.method, loc, "bytes */*", nil, c.no308)
			wantIncomplete(t, resp, c.no308, "") // nothing yet: no Range
			resp, _ = e.chunk(t, c.method, loc, "bytes 0-2047/*", content[:2*g], c.no308)
			wantIncomplete(t, resp, c.no308, "bytes=0-2047")
			// A retried chunk overlapping what is stored is harmless.
			resp, _ = e.chunk(t, c.method, loc, "bytes 1024-2047/*", content[g:2*g], c.no308)
			wantIncomplete(t, resp, c.no308, "bytes=0-2047")
			// A gap is refused with Google's 503 and text.
			resp, body := e.chunk(t, c.method, loc, "bytes 3072-3171/3172", content[3*g:], c.no308)
			if resp.StatusCode != 503 || !strings.Contains(string(body), "exceeds already uploaded size of 2048 byte(s)") {
				t.Fatalf("gap: %d %s", resp.StatusCode, body)
			}
			resp, _ = e.chunk(t, c.method, loc, fmt.Sprintf("bytes */%d", len(content)), nil, c.no308)
			wantIncomplete(t, resp, c.no308, "bytes=0-2047")
			resp, body = e.chunk(t, c.method, loc, fmt.Sprintf("bytes 2048-%d/%d", len(content)-1, len(content)), content[2*g:], c.no308)
			if resp.StatusCode != 200 {
				t.Fatalf("final: %d %s", resp.StatusCode, body)
			}
			m := decode(t, body)
			if m["size"] != "3172" || m["md5Checksum"] != md5Hex(content) {
				t.Fatalf("final answer %v", m)
			}
			// Asking again after completion returns the file, not an error.
			resp, body2 := e.chunk(t, c.method, loc, "bytes */3172", nil, c.no308)
			if resp.StatusCode != 200 || !bytes.Equal(body, body2) {
				t.Fatalf("after completion: %d %s", resp.StatusCode, body2)
			}
			f, _ := e.s.File(m["id"].(string))
			if f.MimeType != "application/x-dump" || f.Name != "big.dump" {
				t.Fatalf("stored %+v", f)
			}
		})
	}
}

// TestResumableShapes covers the other ways a session is fed: an unaligned
// chunk (only whole granules are kept), the Go client's empty last chunk,
// one whole-body PUT, and malformed headers.
func TestResumableShapes(t *testing.T) {
	const g = 1024
	e := newRaw(t)
	e.s.SetUploadGranularity(g)
	content := patterned(2 * g)

	loc := e.startSession(t, `{}`, nil)
	resp, _ := e.chunk(t, "POST", loc, "bytes 0-1499/*", content[:1500], true)
	wantIncomplete(t, resp, true, "bytes=0-1023")
	resp, _ = e.chunk(t, "POST", loc, "bytes 1024-2047/*", content[g:], true)
	wantIncomplete(t, resp, true, "bytes=0-2047")
	resp, body := e.chunk(t, "POST", loc, "bytes */2048", nil, true)
	if resp.StatusCode != 200 || decode(t, body)["size"] != "2048" {
		t.Fatalf("empty last chunk: %d %s", resp.StatusCode, body)
	}

	loc = e.startSession(t, `{"name":"one"}`, map[string]string{"X-Upload-Content-Length": "2048"})
	resp, body = e.chunk(t, "PUT", loc, "", content, false)
	if resp.StatusCode != 200 || decode(t, body)["md5Checksum"] != md5Hex(content) {
		t.Fatalf("whole body: %d %s", resp.StatusCode, body)
	}

	loc = e.startSession(t, `{}`, map[string]string{"X-Upload-Content-Length": "2048"})
	for _, bad := range []struct{ cr, body string }{
		{"bytes 0-9/5", "0123456789"},
		{"bytes 0-9/*", "short"},
		{"items 0-1/*", "01"},
		{"bytes 0-2047/4096", strings.Repeat("x", 2048)}, // contradicts X-Upload-Content-Length
		{"bytes */*", "body on a query"},
	} {
		resp, body := e.chunk(t, "POST", loc, bad.cr, []byte(bad.body), true)
		wantError(t, resp, body, 400, "badRequest")
	}

	resp, body = e.chunk(t, "POST", e.url+"/upload/drive/v3/files?uploadType=resumable&upload_id=nope", "bytes */*", nil, true)
	wantError(t, resp, body, 404, "notFound")
}

func TestQuota(t *testing.T) {
	e := newRaw(t)
	e.s.SetStorageQuota(10_000, 4_000)
	e.s.AddFile(FileSpec{Name: "old", Content: make([]byte, 3_000), Trashed: true}) // trash still counts

	resp, body := e.do(t, req{method: "GET", path: "/drive/v3/about", query: jsonQuery("fields", "user,storageQuota")})
	m := decode(t, body)
	q := m["storageQuota"].(map[string]any)
	if resp.StatusCode != 200 || q["limit"] != "10000" || q["usage"] != "7000" || q["usageInDrive"] != "3000" || q["usageInDriveTrash"] != "3000" {
		t.Fatalf("about: %s", body)
	}
	if u := m["user"].(map[string]any); u["emailAddress"] != "fake.user@gmail.com" || u["me"] != true {
		t.Fatalf("user %v", u)
	}

	// Announced too big: refused at session start.
	resp, body = e.do(t, req{method: "POST", path: "/upload/drive/v3/files", query: jsonQuery("uploadType", "resumable"),
		body: strings.NewReader(`{}`), hdr: map[string]string{"X-Upload-Content-Length": "3001"}})
	ge := wantError(t, resp, body, 403, "storageQuotaExceeded")
	if ge.Error.Errors[0].Domain != "usageLimits" || ge.Error.Message != "The user's Drive storage quota has been exceeded." {
		t.Fatalf("%s", body)
	}
	// Not announced: refused by the chunk that crosses the line.
	loc := e.startSession(t, `{}`, nil)
	resp, body = e.chunk(t, "POST", loc, "bytes 0-3000/3001", make([]byte, 3001), true)
	wantError(t, resp, body, 403, "storageQuotaExceeded")
	resp, _ = e.chunk(t, "POST", loc, "bytes 0-2999/3000", make([]byte, 3000), true)
	if resp.StatusCode != 200 {
		t.Fatalf("a file that fits: %d", resp.StatusCode)
	}

	e.s.SetStorageQuota(0, 0)
	_, body = e.do(t, req{method: "GET", path: "/drive/v3/about", query: jsonQuery("fields", "storageQuota")})
	if _, ok := decode(t, body)["storageQuota"].(map[string]any)["limit"]; ok {
		t.Fatalf("unlimited quota has a limit: %s", body)
	}
	resp, body = e.do(t, req{method: "GET", path: "/drive/v3/about", query: jsonQuery()})
	wantError(t, resp, body, 400, "required")
}
