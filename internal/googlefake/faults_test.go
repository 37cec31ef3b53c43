package googlefake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// kindRequests builds, for each endpoint kind, one request that succeeds
// when no fault is scripted.
func kindRequests(t *testing.T, e *rawEnv) map[Kind]func() req {
	t.Helper()
	folder := e.s.AddFolder("f")
	file := e.s.AddFile(FileSpec{Name: "x", Content: []byte("abc")})
	loc := e.startSession(t, `{}`, nil)
	return map[Kind]func() req{
		KindToken: func() req {
			form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {DefaultRefreshToken},
				"client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}}
			return req{method: "POST", path: "/token", body: strings.NewReader(form.Encode()), noAuth: true,
				hdr: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}
		},
		KindCreate: func() req {
			return req{method: "POST", path: "/drive/v3/files", query: jsonQuery(), body: strings.NewReader(`{"name":"n"}`), hdr: jsonCT}
		},
		KindChunk: func() req {
			return req{method: "POST", path: strings.TrimPrefix(loc, e.url), hdr: map[string]string{"Content-Range": "bytes */*"}}
		},
		KindList: func() req { return req{method: "GET", path: "/drive/v3/files", query: jsonQuery()} },
		KindGet:  func() req { return req{method: "GET", path: "/drive/v3/files/" + file.ID, query: jsonQuery()} },
		KindMedia: func() req {
			return req{method: "GET", path: "/drive/v3/files/" + file.ID, query: url.Values{"alt": {"media"}}}
		},
		KindUpdate: func() req {
			return req{method: "PATCH", path: "/drive/v3/files/" + folder.ID, query: jsonQuery(), body: strings.NewReader(`{}`), hdr: jsonCT}
		},
		KindDelete: func() req {
			f := e.s.AddFile(FileSpec{Name: "doomed"})
			return req{method: "DELETE", path: "/drive/v3/files/" + f.ID, query: jsonQuery()}
		},
		KindAbout: func() req { return req{method: "GET", path: "/drive/v3/about", query: jsonQuery("fields", "user")} },
	}
}

func TestFailNext(t *testing.T) {
	failures := []Failure{ServiceUnavailable(), RateLimitExceeded(3 * time.Second), UserRateLimitExceeded(),
		StorageQuotaExceeded(), InternalError()}
	e := newRaw(t)
	i := 0
	for kind, mk := range kindRequests(t, e) {
		f := failures[i%len(failures)]
		i++
		t.Run(string(kind), func(t *testing.T) {
			e.s.FailNext(kind, 2, f)
			for range 2 {
				resp, body := e.do(t, mk())
				if resp.StatusCode != f.Code {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, f.Code, body)
				}
				if f.RetryAfter > 0 && resp.Header.Get("Retry-After") != "3" {
					t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
				}
				if kind == KindToken && f.RetryAfter == 0 {
					var oe map[string]string
					if json.Unmarshal(body, &oe) != nil || oe["error"] != f.Reason {
						t.Fatalf("token fault not in OAuth shape: %s", body)
					}
				} else {
					if ge := wantError(t, resp, body, f.Code, f.Reason); f.Domain != "" && ge.Error.Errors[0].Domain != f.Domain {
						t.Fatalf("domain: %s", body)
					}
				}
			}
			if resp, body := e.do(t, mk()); resp.StatusCode >= 400 {
				t.Fatalf("third call: %d %s", resp.StatusCode, body)
			}
		})
	}

	// KindAll hits whatever comes next, once per count.
	e.s.FailNext(KindAll, 1, ServiceUnavailable())
	if resp, _ := e.do(t, req{method: "GET", path: "/drive/v3/about", query: jsonQuery("fields", "user")}); resp.StatusCode != 503 {
		t.Fatalf("KindAll: %d", resp.StatusCode)
	}
	log := e.s.Requests()
	last := log[len(log)-1]
	if last.Kind != KindAbout || last.Status != 503 || last.Method != "GET" || last.Path != "/drive/v3/about" || last.Query.Get("fields") != "user" {
		t.Fatalf("log entry %+v", last)
	}
	if n := e.s.Calls(KindToken); n != 3 {
		t.Fatalf("token calls %d", n)
	}
}

// TestCutChunk cuts a chunk after 2500 of its 4096 bytes: the client gets a
// network error, and the session keeps the whole granules that arrived.
func TestCutChunk(t *testing.T) {
	e := newRaw(t)
	e.s.SetUploadGranularity(1024)
	loc := e.startSession(t, `{}`, nil)
	content := patterned(4096 + 10)
	e.s.CutNext(KindChunk, 2500)

	r, _ := http.NewRequest("POST", loc, bytes.NewReader(content[:4096]))
	r.Header.Set("Authorization", "Bearer "+e.token)
	r.Header.Set("Content-Range", "bytes 0-4095/*")
	r.Header.Set("X-GUploader-No-308", "yes")
	if resp, err := http.DefaultClient.Do(r); err == nil {
		resp.Body.Close()
		t.Fatalf("cut chunk answered %d", resp.StatusCode)
	}
	log := e.s.Requests()
	if last := log[len(log)-1]; !last.Cut || last.Status != 0 || last.Kind != KindChunk {
		t.Fatalf("log %+v", last)
	}

	resp, _ := e.chunk(t, "PUT", loc, "bytes */*", nil, false)
	wantIncomplete(t, resp, false, "bytes=0-2047")
	// Resending the whole chunk, as the Go client does, completes it.
	resp, _ = e.chunk(t, "POST", loc, "bytes 0-4095/*", content[:4096], true)
	wantIncomplete(t, resp, true, "bytes=0-4095")
	resp, body := e.chunk(t, "POST", loc, "bytes 4096-4105/4106", content[4096:], true)
	if resp.StatusCode != 200 || decode(t, body)["md5Checksum"] != md5Hex(content) {
		t.Fatalf("final %d %s", resp.StatusCode, body)
	}

	// A cut on a request without a body drops it before any answer. (On a
	// reused connection net/http would quietly retry a GET, so this one
	// gets a connection of its own.)
	e.s.CutNext(KindList, 0)
	fresh := &http.Client{Transport: &http.Transport{}}
	if resp, err := fresh.Get(e.url + "/drive/v3/files"); err == nil {
		resp.Body.Close()
		t.Fatalf("cut list answered %d", resp.StatusCode)
	}
}

func TestCorruptNextMD5(t *testing.T) {
	e := newRaw(t)
	e.s.CorruptNextMD5()
	upload := func() map[string]any {
		loc := e.startSession(t, `{"name":"x"}`, nil)
		_, body := e.chunk(t, "POST", loc, "bytes 0-2/3", []byte("abc"), true)
		return decode(t, body)
	}
	first := upload()
	if first["md5Checksum"] == md5Hex([]byte("abc")) {
		t.Fatal("md5 not corrupted")
	}
	if got, _ := e.s.Content(first["id"].(string)); string(got) != "abc" {
		t.Fatalf("stored %q", got)
	}
	if second := upload(); second["md5Checksum"] != md5Hex([]byte("abc")) {
		t.Fatal("corruption did not stop after one file")
	}
}

func TestLatency(t *testing.T) {
	e := newRaw(t)
	e.s.SetLatency(KindList, 60*time.Millisecond)
	start := time.Now()
	e.do(t, req{method: "GET", path: "/drive/v3/about", query: jsonQuery("fields", "user")})
	fast := time.Since(start)
	start = time.Now()
	e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery()})
	if slow := time.Since(start); slow < 60*time.Millisecond || fast >= 60*time.Millisecond {
		t.Fatalf("about took %v, list %v", fast, slow)
	}
	e.s.ClearFaults()
	start = time.Now()
	e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery()})
	if d := time.Since(start); d >= 60*time.Millisecond {
		t.Fatalf("latency survived ClearFaults: %v", d)
	}
}

// TestConcurrentUse runs uploads, lists and fault scripting side by side;
// with -race it checks the server's locking.
func TestConcurrentUse(t *testing.T) {
	e := newRaw(t)
	e.s.SetUploadGranularity(1024)
	folder := e.createFolder(t, "Backups", "")
	t.Run("clients", func(t *testing.T) {
		for i := range 6 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				e.s.FailNext(KindList, 1, ServiceUnavailable())
				loc := e.startSession(t, fmt.Sprintf(`{"name":"f%d","parents":[%q]}`, i, folder), nil)
				content := patterned(2048 + i)
				e.chunk(t, "POST", loc, "bytes 0-1023/*", content[:1024], true)
				resp, body := e.chunk(t, "POST", loc, fmt.Sprintf("bytes 1024-%d/%d", len(content)-1, len(content)), content[1024:], true)
				if resp.StatusCode != 200 {
					t.Fatalf("%d %s", resp.StatusCode, body)
				}
				e.do(t, req{method: "GET", path: "/drive/v3/files", query: jsonQuery("q", "trashed = false")})
			})
		}
	})
	if n := len(e.s.Files()); n != 7 {
		t.Fatalf("%d files", n)
	}
	if n := e.s.Calls(KindList); n != 6 {
		t.Fatalf("%d list calls", n)
	}
}
