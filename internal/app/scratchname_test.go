package app

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/postgres"
	"github.com/jackc/pgx/v5"
)

// TestSweepDropsOnlyWhatStoppedTestsLeft: before a restore test makes
// its database, it drops those that tests killed half way left: named by
// the tool, older than BACKUP_TIMEOUT, nobody connected. A test still
// going on, one made a moment ago, and a name the tool did not make by
// this pattern (one from before the time was in it) stay.
func TestSweepDropsOnlyWhatStoppedTestsLeft(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.Connect(t, pgtest.AdminURL())
	now := time.Now()
	stale := scratchName("sweep-test", now.Add(-25*time.Hour))
	running := scratchName("sweep-test", now.Add(-25*time.Hour)) // a long test, still connected
	fresh := scratchName("sweep-test", now.Add(-time.Minute))
	unnamed := "dbbackup_verify_sweep_test_" + stale[len(stale)-8:]
	for _, name := range []string{stale, running, fresh, unnamed} {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		})
	}
	url, err := postgres.OtherDatabase(pgtest.AdminURL(), running)
	if err != nil {
		t.Fatal(err)
	}
	pgtest.Connect(t, url)

	var logged bytes.Buffer
	sweepScratches(ctx, pgtest.AdminURL(), 24*time.Hour, now, slog.New(slog.NewTextHandler(&logged, nil)))

	for name, want := range map[string]bool{stale: false, running: true, fresh: true, unnamed: true} {
		var n int
		if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if got := n == 1; got != want {
			t.Errorf("%s is there: %v, want %v", name, got, want)
		}
	}
	if !strings.Contains(logged.String(), "database="+stale) {
		t.Errorf("the drop of %s is not logged: %s", stale, logged.String())
	}
}

// The name of a restore test's database tells when it was made, and fits
// in PostgreSQL's 63 bytes whatever the job's name.
func TestScratchNameTellsWhenItWasMade(t *testing.T) {
	at := time.Date(2026, 2, 10, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	for _, job := range []string{"default", "a-very-long-job-name-that-goes-on-and-on", ""} {
		name := scratchName(job, at)
		made, ok := scratchMade(name)
		if !ok || !made.Equal(at) || len(name) > 63 || !strings.HasPrefix(name, scratchPrefix) {
			t.Errorf("scratchName(%q) = %q (%d bytes), made %v, %v; want %v", job, name, len(name), made, ok, at)
		}
	}
	for _, name := range []string{"dbbackup_verify_default_1a2b3c4d", "shop_20260210_020405_1a2b3c4d", "dbbackup_verify_x_20260210_020405_1a2b3c4d_copy"} {
		if _, ok := scratchMade(name); ok {
			t.Errorf("%s is taken for a restore test's database", name)
		}
	}
}
