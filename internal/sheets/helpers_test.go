package sheets

import (
	"context"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/retry"
	"github.com/jackc/pgx/v5"
	"golang.org/x/oauth2"
)

const account = "analyst@example.com"

// env is the fake Google and a Syncer on it through the official client,
// paced and retried fast enough for tests.
type env struct {
	fake   *googlefake.Server
	syncer *Syncer
}

func newEnv(t *testing.T, edit ...func(*Options)) *env {
	t.Helper()
	fake, srv := googlefake.NewTestServer(t)
	ctx := context.Background()
	o := Options{
		HTTPClient:      fake.OAuth2Config(srv.URL).Client(ctx, &oauth2.Token{RefreshToken: googlefake.DefaultRefreshToken}),
		Endpoint:        srv.URL,
		Account:         account,
		WritesPerMinute: 1_000_000, // unpaced: pacing is tested on its own
		Retry:           retry.Policy{Tries: 6, Base: time.Millisecond, Max: 20 * time.Millisecond},
	}
	for _, f := range edit {
		f(&o)
	}
	s, err := New(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	return &env{fake: fake, syncer: s}
}

// sync runs job and fails the test if it fails.
func (e *env) sync(t *testing.T, job Job) Result {
	t.Helper()
	res, err := e.syncer.Sync(context.Background(), job)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return res
}

// values is the tab's cells as the fake stores them.
func (e *env) values(t *testing.T, id, tab string) [][]any {
	t.Helper()
	v, ok := e.fake.Values(id, tab)
	if !ok {
		t.Fatalf("no tab %q", tab)
	}
	return v
}

// tab is the snapshot of one tab.
func (e *env) tab(t *testing.T, id, title string) googlefake.Tab {
	t.Helper()
	ss, _ := e.fake.Spreadsheet(id)
	for _, tb := range ss.Tabs {
		if tb.Title == title {
			return tb
		}
	}
	t.Fatalf("no tab %q in %+v", title, ss.Tabs)
	return googlefake.Tab{}
}

func chinook(t *testing.T) string {
	t.Helper()
	return pgtest.NewDatabase(t, pgtest.Chinook(t))
}

// exec runs statements in the database at url.
func exec(t *testing.T, url string, sql ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range sql {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
