package googlefake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fixedTime is the clock most tests run on, so timestamps are predictable.
var fixedTime = time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC)

// rawEnv is a fake on a loopback port plus a valid access token, for tests
// that speak HTTP themselves.
type rawEnv struct {
	s     *Server
	url   string
	token string
}

func newRaw(t *testing.T) *rawEnv {
	t.Helper()
	s, srv := NewTestServer(t)
	s.SetClock(func() time.Time { return fixedTime })
	return &rawEnv{s: s, url: srv.URL, token: s.AccessToken()}
}

// req is one raw request; hdr holds extra headers.
type req struct {
	method, path string
	query        url.Values
	body         io.Reader
	hdr          map[string]string
	noAuth       bool
}

// do sends rq with the env's bearer token and returns the response with its
// body read.
func (e *rawEnv) do(t *testing.T, rq req) (*http.Response, []byte) {
	t.Helper()
	u := e.url + rq.path
	if rq.query != nil {
		u += "?" + rq.query.Encode()
	}
	r, err := http.NewRequest(rq.method, u, rq.body)
	if err != nil {
		t.Fatal(err)
	}
	if !rq.noAuth {
		r.Header.Set("Authorization", "Bearer "+e.token)
	}
	for k, v := range rq.hdr {
		r.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

// jsonQuery is what the official client adds to every call.
func jsonQuery(kv ...string) url.Values {
	q := url.Values{"alt": {"json"}, "prettyPrint": {"false"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

// googleError is Google's error body, decoded strictly enough to check it.
type googleError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Domain       string `json:"domain"`
			Reason       string `json:"reason"`
			Message      string `json:"message"`
			Location     string `json:"location"`
			LocationType string `json:"locationType"`
		} `json:"errors"`
	} `json:"error"`
}

// wantError checks that a response is Google's error JSON with this code
// and reason, and returns it for further checks.
func wantError(t *testing.T, resp *http.Response, body []byte, code int, reason string) googleError {
	t.Helper()
	var ge googleError
	if err := json.Unmarshal(body, &ge); err != nil {
		t.Fatalf("status %d, body not JSON: %v\n%s", resp.StatusCode, err, body)
	}
	if resp.StatusCode != code || ge.Error.Code != code {
		t.Fatalf("status %d, error.code %d, want %d\n%s", resp.StatusCode, ge.Error.Code, code, body)
	}
	if len(ge.Error.Errors) != 1 || ge.Error.Errors[0].Reason != reason {
		t.Fatalf("errors = %+v, want one with reason %q", ge.Error.Errors, reason)
	}
	if ge.Error.Message == "" || ge.Error.Status == "" || ge.Error.Errors[0].Domain == "" ||
		ge.Error.Errors[0].Message != ge.Error.Message {
		t.Fatalf("incomplete error shape: %s", body)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	return ge
}

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return m
}

// createFolder makes a folder through the API and returns its id.
func (e *rawEnv) createFolder(t *testing.T, name, parent string) string {
	t.Helper()
	meta := map[string]any{"name": name, "mimeType": FolderMimeType}
	if parent != "" {
		meta["parents"] = []string{parent}
	}
	b, _ := json.Marshal(meta)
	resp, body := e.do(t, req{method: "POST", path: "/drive/v3/files", query: jsonQuery(),
		body: bytes.NewReader(b), hdr: map[string]string{"Content-Type": "application/json"}})
	if resp.StatusCode != 200 {
		t.Fatalf("create folder: %d %s", resp.StatusCode, body)
	}
	return decode(t, body)["id"].(string)
}

// patterned returns n bytes that differ from chunk to chunk, so a misplaced
// chunk cannot go unnoticed.
func patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/4096)
	}
	return b
}
