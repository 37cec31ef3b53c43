package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/passwd"
	"github.com/dbbackup/dbbackup/internal/state"
)

// bigHistorySize is the history the pages must stay fast with.
const bigHistorySize = 10_000

// bigHistory is a server whose history holds bigHistorySize runs of two
// jobs, and a maker of requests signed in as a viewer. The pages are
// served in process, so that what is measured is the server's time.
func bigHistory(tb testing.TB) (*Server, func(path string) *http.Request) {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	store, err := state.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	env := filepath.Join(tb.TempDir(), ".env")
	if err := os.WriteFile(env, []byte("STATE_DIR="+dir+"\nBACKUP_DIR="+tb.TempDir()+"\nEMAIL_TO=\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	record(tb, store, manyRuns(bigHistorySize, time.Now())...)
	hash, err := passwd.Hash("secret-password")
	if err == nil {
		err = store.AddUser(ctx, "bob", RoleViewer, hash)
	}
	token := ""
	if err == nil {
		token, err = store.CreateSession(ctx, "bob", time.Now())
	}
	if err != nil {
		tb.Fatal(err)
	}
	s, err := New(Options{App: &app.App{EnvFile: env, Explicit: true}, Store: store})
	if err != nil {
		tb.Fatal(err)
	}
	return s, func(path string) *http.Request {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: cookieName, Value: token})
		return req
	}
}

// bigPages are the pages measured, by name: the Dashboard, and the runs
// list's first and last page, sorted, filtered, searched and exported.
var bigPages = []struct{ name, path string }{
	{"dashboard", "/"},
	{"runs", "/runs"},
	{"runs-last-page", "/runs?page=200"},
	{"runs-failed-by-size", "/runs?sort=size&status=failed"},
	{"runs-of-a-job-by-duration", "/runs?sort=duration&job=crm"},
	{"runs-search", "/runs?q=db1"},
	{"runs-csv-failed", "/runs.csv?status=failed"},
}

// serve serves path and fails unless the answer is 200.
func serve(tb testing.TB, s *Server, req *http.Request) {
	tb.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		tb.Fatalf("%s: %d\n%s", req.URL, w.Code, w.Body)
	}
}

// BenchmarkPages is the server's time for each page with 10,000 runs in
// the history; the target is under 50 ms a page.
func BenchmarkPages(b *testing.B) {
	s, get := bigHistory(b)
	for _, p := range bigPages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				serve(b, s, get(p.path))
			}
		})
	}
}
