package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestPagesLoadOnlyThisServersAssetsUnderHashedNames(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.browser(t)
	page := body(t, ts.get(t, c, "/login"))
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	var assets []string
	for _, m := range refs {
		if strings.Contains(m[1], "//") {
			t.Errorf("the login page loads %s from another machine", m[1])
		}
		if strings.HasPrefix(m[1], "/static/") {
			assets = append(assets, m[1])
		}
	}
	hashed := regexp.MustCompile(`^/static/(htmx|pico|app|favicon)-[0-9a-f]{8}\.(min\.js|min\.css|css|svg)$`)
	if len(assets) != 4 {
		t.Fatalf("the login page loads %v, want htmx, pico, app.css and the icon", assets)
	}
	for _, a := range assets {
		if !hashed.MatchString(a) {
			t.Errorf("%s is not served under a hashed name", a)
		}
		res := ts.get(t, c, a)
		body(t, res)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "max-age=31536000") {
			t.Errorf("GET %s: %d, Cache-Control %q", a, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	if res := ts.get(t, c, "/static/htmx.min.js"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /static/htmx.min.js (no hash): %d, want 404", res.StatusCode)
	}
}
