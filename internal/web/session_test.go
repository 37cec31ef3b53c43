package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/state"
)

func TestNoPageWithoutASession(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.browser(t)
	for _, path := range []string{"/", "/runs", "/backups", "/admin", "/settings", "/google", "/no-such-page", "/runs?job=x"} {
		res := ts.get(t, c, path)
		body(t, res)
		want := "/login?" + url.Values{"next": {path}}.Encode()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("GET %s without a session: %d to %q, want 303 to %q", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	for _, path := range []string{"/login", "/healthz"} {
		if res := ts.get(t, c, path); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s without a session: %d, want 200", path, res.StatusCode)
		}
	}
}

func TestSignInShowsThePageAskedForAndSignOutEndsTheSession(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.browser(t)
	res := ts.postForm(t, c, "/login", url.Values{"name": {"alice"}, "password": {"secret-password"}, "next": {"/runs?job=x"}})
	body(t, res)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/runs?job=x" {
		t.Fatalf("sign in: %d to %q, want 303 to /runs?job=x", res.StatusCode, res.Header.Get("Location"))
	}
	page := body(t, ts.get(t, c, "/"))
	for _, want := range []string{"alice", `href="/admin"`, `action="/logout"`, `aria-current="page">Dashboard`} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard lacks %q:\n%s", want, page)
		}
	}
	cookie := c.Jar.Cookies(mustURL(t, ts.URL))

	res = ts.postForm(t, c, "/logout", nil)
	body(t, res)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("log out: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if page := body(t, ts.follow(t, c, res)); !strings.Contains(page, "You are signed out.") {
		t.Errorf("the page after logging out does not say so:\n%s", page)
	}
	if page := body(t, ts.get(t, c, "/login")); strings.Contains(page, "signed out") {
		t.Errorf("the sign-in page says signed out to anyone:\n%s", page)
	}
	// The old cookie, replayed from a copy, opens nothing.
	replay := ts.browser(t)
	replay.Jar.SetCookies(mustURL(t, ts.URL), cookie)
	if res := ts.get(t, replay, "/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the dashboard with the cookie of an ended session: %d, want 303 to /login", res.StatusCode)
	}
}

func TestAViewerMayNotOpenTheAdminPanel(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.signedIn(t, "bob")
	res := ts.get(t, c, "/admin")
	page := body(t, res)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("GET /admin as a viewer: %d, want 403", res.StatusCode)
	}
	if dash := body(t, ts.get(t, c, "/")); strings.Contains(dash, `href="/admin"`) {
		t.Errorf("a viewer's navigation links the admin panel:\n%s", dash)
	}
	if !strings.Contains(page, "only an admin") {
		t.Errorf("the 403 page does not say why:\n%s", page)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestASessionEndsAfter12HoursIdleAnd7DaysInAll(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.signedIn(t, "alice")
	ts.advance(11 * time.Hour)
	if res := ts.get(t, c, "/"); res.StatusCode != http.StatusOK {
		t.Fatalf("the dashboard after 11 h idle: %d, want 200", res.StatusCode)
	}
	ts.advance(12*time.Hour + time.Minute)
	if res := ts.get(t, c, "/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the dashboard after 12 h idle: %d, want 303 to /login", res.StatusCode)
	}

	c = ts.signedIn(t, "alice")
	for range 7 * 24 / 11 {
		ts.advance(11 * time.Hour)
		if res := ts.get(t, c, "/"); res.StatusCode != http.StatusOK {
			t.Fatalf("the dashboard of a session in use: %d, want 200", res.StatusCode)
		}
	}
	ts.advance(11 * time.Hour) // 7 days and 2 h after sign-in, 11 h after the last request
	if res := ts.get(t, c, "/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the dashboard 7 days after sign-in: %d, want 303 to /login", res.StatusCode)
	}
}

func TestAuditNamesTheSignedInUser(t *testing.T) {
	ts := newTestServer(t, Options{})
	r := httptest.NewRequest("POST", "/runs", nil)
	r = r.WithContext(context.WithValue(r.Context(), userKey{}, &User{Name: "alice", Role: RoleAdmin}))
	ts.s.audit(r, "run", "job default")
	got, _, err := ts.store.AuditLog(context.Background(), state.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].User != "alice" || got[0].Action != "run" || got[0].Detail != "job default" || !got[0].At.Equal(ts.now()) {
		t.Errorf("audit log %+v, want alice's run of job default now", got)
	}
}

func TestHtmxIsSentToSignInWhenTheSessionEnded(t *testing.T) {
	ts := newTestServer(t, Options{})
	res := ts.do(t, ts.browser(t), "GET", "/runs?page=2", map[string]string{"HX-Request": "true"})
	body(t, res)
	if res.StatusCode != http.StatusUnauthorized || res.Header.Get("HX-Redirect") != "/login?next=%2Fruns%3Fpage%3D2" {
		t.Errorf("an htmx request without a session: %d, HX-Redirect %q; want 401 to /login?next=…", res.StatusCode, res.Header.Get("HX-Redirect"))
	}
}
