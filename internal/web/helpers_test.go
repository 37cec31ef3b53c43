package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/passwd"
	"github.com/dbbackup/dbbackup/internal/state"
)

// TestMain makes password hashes cheap: the tests sign in hundreds of
// times, and Argon2id's cost is not what they test.
func TestMain(m *testing.M) {
	passwd.Default = passwd.Params{Memory: 64, Time: 1, Threads: 1}
	os.Exit(m.Run())
}

// testServer is a running server with an admin (alice) and a viewer (bob),
// both with the password "secret-password", and a clock the test moves.
type testServer struct {
	*httptest.Server
	s     *Server
	store *state.Store
	mu    sync.Mutex
	clock time.Time
}

// newTestServer serves o with the two users added to its state database
// (a new one when o.Store is nil).
func newTestServer(t *testing.T, o Options) *testServer {
	t.Helper()
	ts := &testServer{clock: time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)}
	store := o.Store
	if store == nil {
		var err error
		if store, err = state.Open(t.TempDir()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
	}
	for _, u := range []struct {
		name string
		role Role
	}{{"alice", RoleAdmin}, {"bob", RoleViewer}} {
		hash, err := passwd.Hash("secret-password")
		if err == nil {
			err = store.AddUser(context.Background(), u.name, u.role, hash)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if o.App == nil {
		// An installation whose stored jobs are in store: none, until a
		// test adds some.
		env := filepath.Join(t.TempDir(), ".env")
		if err := os.WriteFile(env, []byte("STATE_DIR="+filepath.Dir(store.Path())+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		o.App = &app.App{EnvFile: env, Explicit: true}
	}
	o.Store, o.Now, ts.store = store, ts.now, store
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
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
