package googlefake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// escapeRange escapes a range for the path as the Go client does (RFC 6570
// simple expansion: everything but unreserved characters).
func escapeRange(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// sheetsCall sends one Sheets request; body, if not nil, is sent as JSON.
func (e *rawEnv) sheetsCall(t *testing.T, method, path string, query url.Values, body any) (*http.Response, []byte) {
	t.Helper()
	rq := req{method: method, path: path, query: jsonQuery()}
	for k, v := range query {
		rq.query[k] = v
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rq.body, rq.hdr = strings.NewReader(string(b)), jsonCT
	}
	return e.do(t, rq)
}

func valuesPath(id, rng, verb string) string {
	p := "/v4/spreadsheets/" + id + "/values/" + escapeRange(rng)
	if verb != "" {
		p += ":" + verb
	}
	return p
}

// sheetsOK decodes a successful answer.
func sheetsOK(t *testing.T, resp *http.Response, body []byte) map[string]any {
	t.Helper()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	return decode(t, body)
}

// sheetsErr is Sheets' error body, decoded to check its exact shape.
type sheetsErr struct {
	Error struct {
		Code    int              `json:"code"`
		Message string           `json:"message"`
		Status  string           `json:"status"`
		Errors  []map[string]any `json:"errors"`
		Details []map[string]any `json:"details"`
	} `json:"error"`
}

// wantSheetsError checks a Sheets error: the code, Google's status name,
// the exact message, and no Drive-style errors[].
func wantSheetsError(t *testing.T, resp *http.Response, body []byte, code int, status, message string) sheetsErr {
	t.Helper()
	var se sheetsErr
	if err := json.Unmarshal(body, &se); err != nil {
		t.Fatalf("status %d, body not JSON: %v\n%s", resp.StatusCode, err, body)
	}
	if resp.StatusCode != code || se.Error.Code != code || se.Error.Status != status {
		t.Fatalf("got %d %s, want %d %s: %s", resp.StatusCode, se.Error.Status, code, status, body)
	}
	if message != "" && se.Error.Message != message {
		t.Fatalf("message\n got %q\nwant %q", se.Error.Message, message)
	}
	if se.Error.Errors != nil {
		t.Fatalf("Sheets sends no errors[]: %s", body)
	}
	return se
}

// rows builds a values array.
func rows(rs ...[]any) [][]any { return rs }

func row(vs ...any) []any { return vs }
