package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// do sends a request with the headers given (a browser's Origin and
// Sec-Fetch-Site, or none as from curl).
func (ts *testServer) do(t *testing.T, c *http.Client, method, path string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestACrossOriginPostIsRefusedAndChangesNothing(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.signedIn(t, "alice")
	for _, h := range []map[string]string{
		{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "http://evil.example"},
		{"Sec-Fetch-Site": "same-site", "Origin": "http://sub." + strings.TrimPrefix(ts.URL, "http://")},
	} {
		res := ts.do(t, c, "POST", "/logout", h)
		page := body(t, res)
		if res.StatusCode != http.StatusForbidden || !strings.Contains(page, "another site") {
			t.Errorf("POST /logout with %v: %d, want 403 saying why:\n%s", h, res.StatusCode, page)
		}
	}
	if res := ts.get(t, c, "/"); res.StatusCode != http.StatusOK {
		t.Errorf("the session after refused cross-origin logouts: %d, want still signed in (200)", res.StatusCode)
	}
	// Signing in is refused too: a cross-site form must not sign the
	// browser in to an account of the attacker's.
	res := ts.do(t, ts.browser(t), "POST", "/login?"+url.Values{"name": {"bob"}, "password": {"secret-password"}}.Encode(),
		map[string]string{"Sec-Fetch-Site": "cross-site"})
	if body(t, res); res.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site sign-in: %d, want 403", res.StatusCode)
	}
}

func TestARequestWithoutOriginIsJudgedByItsSessionAlone(t *testing.T) {
	ts := newTestServer(t, Options{})
	// Without a session: refused as not signed in, not as cross-origin.
	res := ts.do(t, ts.browser(t), "POST", "/admin", nil)
	if page := body(t, res); res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "not signed in") {
		t.Errorf("POST /admin as curl without a session: %d, want 401:\n%s", res.StatusCode, page)
	}
	// With one: served.
	c := ts.signedIn(t, "alice")
	res = ts.do(t, c, "POST", "/logout", nil)
	body(t, res)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("POST /logout as curl with a session: %d, want 303", res.StatusCode)
	}
	if res := ts.get(t, c, "/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the dashboard after curl's logout: %d, want 303 to /login", res.StatusCode)
	}
}

func TestGETChangesNothing(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.signedIn(t, "alice")
	res := ts.get(t, c, "/logout")
	body(t, res)
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /logout: %d, want 404", res.StatusCode)
	}
	if res := ts.get(t, c, "/"); res.StatusCode != http.StatusOK {
		t.Errorf("the session after GET /logout: %d, want still signed in (200)", res.StatusCode)
	}
}

func sessionCookie(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name == cookieName {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", cookieName, res.Header["Set-Cookie"])
	return nil
}

func TestTheSessionCookiesFlags(t *testing.T) {
	login := url.Values{"name": {"alice"}, "password": {"secret-password"}}
	tests := []struct {
		name       string
		baseURL    string
		tls        bool
		path, at   string
		wantSecure bool
	}{
		{"plain HTTP", "", false, "/", "/login", false},
		{"over HTTPS", "", true, "/", "/login", true},
		{"behind an HTTPS proxy under a path", "https://example.com/backup/", false, "/backup", "/backup/login", true},
		{"behind an HTTP proxy", "http://backup.lan/", false, "/", "/login", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, Options{BaseURL: tt.baseURL})
			c := ts.browser(t)
			if tt.tls {
				ts.Close()
				ts.Server = httptest.NewTLSServer(ts.s)
				t.Cleanup(ts.Server.Close)
				c = ts.Client()
				c.Jar, _ = cookiejar.New(nil)
				c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			}
			req, _ := http.NewRequest("POST", ts.URL+tt.at, strings.NewReader(login.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body(t, res)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in: %d", res.StatusCode)
			}
			raw := strings.Join(res.Header["Set-Cookie"], "\n")
			ck := sessionCookie(t, res)
			if !ck.HttpOnly || ck.Secure != tt.wantSecure || ck.Path != tt.path || !strings.Contains(raw, "SameSite=Lax") ||
				ck.MaxAge != int((7*24*time.Hour).Seconds()) {
				t.Errorf("Set-Cookie %s: want HttpOnly, SameSite=Lax, Secure %v, Path %s, Max-Age 7 days", raw, tt.wantSecure, tt.path)
			}
		})
	}
}

func TestSigningInStartsANewSession(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.signedIn(t, "bob")
	before := c.Jar.Cookies(mustURL(t, ts.URL))
	res := ts.postForm(t, c, "/login", url.Values{"name": {"alice"}, "password": {"secret-password"}})
	body(t, res)
	after := sessionCookie(t, res)
	if after.Value == before[0].Value {
		t.Fatal("signing in kept the session id the browser had")
	}
	old := ts.browser(t)
	old.Jar.SetCookies(mustURL(t, ts.URL), before)
	if res := ts.get(t, old, "/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the session from before sign-in: %d, want ended (303 to /login)", res.StatusCode)
	}
}

// attempt signs in as name with password from addr (as a local reverse
// proxy says) and returns the status and Retry-After.
func (ts *testServer) attempt(t *testing.T, name, password, addr string) (int, int) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(url.Values{"name": {name}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	res, err := ts.browser(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body(t, res)
	after, _ := strconv.Atoi(res.Header.Get("Retry-After"))
	return res.StatusCode, after
}

func TestSignInIsThrottledPerAccountWithABoundedWait(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, name := range []string{"alice", "nobody"} { // a name that is no user is throttled alike
		for i := range 5 {
			if got, _ := ts.attempt(t, name, "wrong", "192.0.2."+strconv.Itoa(i)); got != http.StatusUnauthorized {
				t.Fatalf("%s's wrong password %d: %d, want 401", name, i+1, got)
			}
		}
		ts.attempt(t, name, "wrong", "192.0.2.100") // the 6th failure: wait 2 s
		got, after := ts.attempt(t, name, "secret-password", "198.51.100.1")
		if got != http.StatusTooManyRequests || after != 2 {
			t.Errorf("%s from another address after 6 failures: %d, Retry-After %d; want 429, 2", name, got, after)
		}
	}
	ts.advance(2 * time.Second)
	if got, _ := ts.attempt(t, "alice", "secret-password", "198.51.100.1"); got != http.StatusSeeOther {
		t.Errorf("alice's right password after the wait: %d, want 303", got)
	}

	// An attacker who keeps failing holds the owner off two minutes at
	// most.
	longest := 0
	for i := range 40 {
		_, after := ts.attempt(t, "alice", "wrong", "203.0.113."+strconv.Itoa(i))
		longest = max(longest, after)
		ts.advance(time.Duration(after) * time.Second)
	}
	if longest > 120 || longest < 60 {
		t.Errorf("the longest wait for alice's account: %d s, want it to grow to between 1 and 2 minutes", longest)
	}
}

func TestSignInIsThrottledPerAddress(t *testing.T) {
	ts := newTestServer(t, Options{})
	for i := range 11 {
		ts.attempt(t, "user"+strconv.Itoa(i), "wrong", "192.0.2.7")
	}
	if got, after := ts.attempt(t, "alice", "secret-password", "192.0.2.7"); got != http.StatusTooManyRequests || after != 2 {
		t.Errorf("alice from an address that failed 11 times: %d, Retry-After %d; want 429, 2", got, after)
	}
	if got, _ := ts.attempt(t, "alice", "secret-password", "192.0.2.8"); got != http.StatusSeeOther {
		t.Errorf("alice from another address: %d, want 303", got)
	}
}

func TestAWrongNameAndAWrongPasswordGetTheSameAnswerAfterTheSameWork(t *testing.T) {
	ts := newTestServer(t, Options{})
	var hashes []string
	verify := ts.s.verify
	ts.s.verify = func(hash, password string) bool {
		hashes = append(hashes, hash)
		return verify(hash, password)
	}
	answer := func(name string) (int, string) {
		res := ts.postForm(t, ts.browser(t), "/login", url.Values{"name": {name}, "password": {"wrong"}})
		return res.StatusCode, strings.ReplaceAll(body(t, res), name, "NAME")
	}
	s1, p1 := answer("alice")
	s2, p2 := answer("mallory")
	if s1 != s2 || p1 != p2 {
		t.Errorf("a wrong password (%d) and an unknown user (%d) are answered differently:\n%s\n---\n%s", s1, s2, p1, p2)
	}
	if len(hashes) != 2 || !strings.HasPrefix(hashes[0], "$argon2id$") || hashes[1] != "" {
		t.Errorf("passwords checked against %q, want alice's hash, then the empty hash for the unknown user", hashes)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.signedIn(t, "alice")
	static, _ := ts.s.assets.path("htmx.min.js")
	for _, path := range []string{"/login", "/", "/no-such-page", "/healthz", static} {
		res := ts.get(t, c, path)
		body(t, res)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("GET %s: headers %v", path, h)
		}
	}
}

func TestWhatPeopleTypeShowsAsText(t *testing.T) {
	ts := newTestServer(t, Options{})
	xss := "<script>alert(1)</script>"
	res := ts.postForm(t, ts.browser(t), "/login", url.Values{"name": {xss}, "password": {"x"}})
	if page := body(t, res); strings.Contains(page, xss) || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the login page with a name %s:\n%s", xss, page)
	}
	c := ts.signedIn(t, "alice")
	res = ts.get(t, c, "/"+url.PathEscape(xss))
	if page := body(t, res); res.StatusCode != http.StatusNotFound || strings.Contains(page, xss) || !strings.Contains(page, "&lt;script&gt;") {
		t.Errorf("the page for a path %s: %d\n%s", xss, res.StatusCode, page)
	}
}

func TestUnderABaseURLsPath(t *testing.T) {
	ts := newTestServer(t, Options{BaseURL: "https://example.com/backup/"})
	c := ts.browser(t)
	res := ts.get(t, c, "/backup/runs")
	body(t, res)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/backup/login?next=%2Fruns" {
		t.Fatalf("GET /backup/runs without a session: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	page := body(t, ts.get(t, c, "/backup/login"))
	for _, want := range []string{`action="/backup/login"`, `href="/backup/static/pico-`, `src="/backup/static/htmx-`} {
		if !strings.Contains(page, want) {
			t.Errorf("the login page lacks %s:\n%s", want, page)
		}
	}
	// The browser's Origin is the base URL's, whatever Host the proxy sends.
	req, _ := http.NewRequest("POST", ts.URL+"/backup/login", strings.NewReader(url.Values{"name": {"alice"}, "password": {"secret-password"}, "next": {"/runs"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://example.com")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body(t, res)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/backup/runs" {
		t.Errorf("sign in through the proxy: %d to %q, want 303 to /backup/runs", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestTheThrottleSaysTheWaitInWords(t *testing.T) {
	ts := newTestServer(t, Options{})
	for i := range 6 {
		ts.attempt(t, "alice", "wrong", "192.0.2."+strconv.Itoa(i)) // the 6th failure: wait 2 s
	}
	ts.advance(time.Second)
	res := ts.postForm(t, ts.browser(t), "/login", url.Values{"name": {"alice"}, "password": {"secret-password"}})
	if page := body(t, res); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(page, "try again in 1 second.") {
		t.Errorf("a sign-in 1 s before the wait ends: %d\n%s", res.StatusCode, page)
	}
	for d, want := range map[time.Duration]string{time.Second: "1 second", 1500 * time.Millisecond: "2 seconds",
		119 * time.Second: "119 seconds", 2 * time.Minute: "2 minutes", 29*time.Minute + time.Second: "30 minutes"} {
		if got := waitWords(d); got != want {
			t.Errorf("waitWords(%s) = %q, want %q", d, got, want)
		}
	}
}
