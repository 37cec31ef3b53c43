package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAFragmentIsThePartAloneAndEscapes(t *testing.T) {
	ts := newTestServer(t, Options{})
	w := httptest.NewRecorder()
	ts.s.fragment(w, httptest.NewRequest("GET", "/", nil), "error", "content", failure{Heading: "<script>alert(1)</script>"})
	got := w.Body.String()
	if strings.Contains(got, "<html") || strings.Contains(got, "<script>") || !strings.Contains(got, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("fragment:\n%s", got)
	}
	w = httptest.NewRecorder()
	ts.s.fail(w, httptest.NewRequest("GET", "/", nil), http.StatusNotFound, errors.New("no set <b>x</b>"))
	if got := w.Body.String(); w.Code != http.StatusNotFound || !strings.Contains(got, "no set &lt;b&gt;x&lt;/b&gt;") {
		t.Errorf("fail: %d\n%s", w.Code, got)
	}
}
