package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// memAccounts keeps users and sessions in memory for the tests, as the
// state database keeps them.
type memAccounts struct {
	mu       sync.Mutex
	users    map[string]User
	hashes   map[string]string
	sessions map[string]memSession
	audits   []string
}

type memSession struct {
	user              string
	started, lastSeen time.Time
}

func newMemAccounts() *memAccounts {
	return &memAccounts{users: map[string]User{}, hashes: map[string]string{}, sessions: map[string]memSession{}}
}

func (m *memAccounts) add(name string, role Role, password string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[name] = User{Name: name, Role: role}
	m.hashes[name] = "hash:" + password
}

func (m *memAccounts) UserHash(_ context.Context, name string) (User, string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.users[name]
	return u, m.hashes[name], ok, nil
}

func (m *memAccounts) HasAdmin(context.Context) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range m.users {
		if u.Role == RoleAdmin {
			return true, nil
		}
	}
	return false, nil
}

func (m *memAccounts) CreateSession(_ context.Context, user string, now time.Time) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := make([]byte, 32)
	rand.Read(b)
	t := hex.EncodeToString(b)
	m.sessions[t] = memSession{user: user, started: now, lastSeen: now}
	return t, nil
}

func (m *memAccounts) Session(_ context.Context, token string, now time.Time, idle, absolute time.Duration) (User, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[token]
	if !ok || now.Sub(s.lastSeen) > idle || now.Sub(s.started) > absolute {
		return User{}, false, nil
	}
	s.lastSeen = now
	m.sessions[token] = s
	return m.users[s.user], true, nil
}

func (m *memAccounts) EndSession(_ context.Context, token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, token)
	return nil
}

func (m *memAccounts) Audit(_ context.Context, _ time.Time, user, action, detail string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.audits = append(m.audits, user+" "+action+" "+detail)
	return nil
}

// testServer is a running server with an admin (alice) and a viewer (bob),
// both with the password "secret-password", and a clock the test moves.
type testServer struct {
	*httptest.Server
	s        *Server
	accounts *memAccounts
	mu       sync.Mutex
	clock    time.Time
}

func newTestServer(t *testing.T, o Options) *testServer {
	t.Helper()
	ts := &testServer{accounts: newMemAccounts(), clock: time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)}
	ts.accounts.add("alice", RoleAdmin, "secret-password")
	ts.accounts.add("bob", RoleViewer, "secret-password")
	o.Now = ts.now
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	s.accounts = ts.accounts
	s.verify = func(hash, password string) bool { return hash != "" && hash == "hash:"+password }
	ts.s = s
	ts.Server = httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) now() time.Time {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.clock
}

func (ts *testServer) advance(d time.Duration) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.clock = ts.clock.Add(d)
}

// browser is a client with a cookie jar that does not follow redirects,
// so that a test sees where it is sent.
func (ts *testServer) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signedIn is a browser signed in as name.
func (ts *testServer) signedIn(t *testing.T, name string) *http.Client {
	t.Helper()
	c := ts.browser(t)
	res := ts.postForm(t, c, "/login", url.Values{"name": {name}, "password": {"secret-password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d %s", name, res.StatusCode, body(t, res))
	}
	return c
}

// postForm posts a form as a browser on the same site does.
func (ts *testServer) postForm(t *testing.T, c *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (ts *testServer) get(t *testing.T, c *http.Client, path string) *http.Response {
	t.Helper()
	res, err := c.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// body reads and closes res's body.
func body(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
