package schedule

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/robfig/cron/v3"
)

const sheet = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

// TestSyncJobsAreScheduled: the .env's sync job and a stored one run at
// their SHEETS_SCHEDULE; a sync job without one, or removed, does not;
// no sync is made up at start.
func TestSyncJobsAreScheduled(t *testing.T) {
	now := time.Date(2026, 2, 11, 10, 0, 0, 0, time.UTC)
	a := installation(t, now, now.Add(-time.Hour), map[string]string{"SHEETS_SPREADSHEET_ID": sheet, "SHEETS_TABLES": "public.orders",
		"SHEETS_SCHEDULE": "CRON_TZ=UTC 30 6 * * *"})
	runs := &fakeRuns{}
	s := newScheduler(a, runs, quietLog())
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if next, ok := s.NextSync("default"); !ok || !next.Equal(time.Date(2026, 2, 12, 6, 30, 0, 0, time.UTC)) {
		t.Errorf("the .env's sync job: NextSync = %v, %v; want 06:30 tomorrow", next, ok)
	}
	if started, _ := runs.calls(); len(started) != 0 {
		t.Errorf("started at start: %v", started)
	}
	save := func(how app.Save, values map[string]string) {
		t.Helper()
		if err := a.SaveSyncJob(ctx, "hourly", values, how); err != nil {
			t.Fatal(err)
		}
		if err := s.Reload(ctx); err != nil {
			t.Fatal(err)
		}
	}
	save(app.AddJob, map[string]string{"SHEETS_SPREADSHEET_ID": sheet, "SHEETS_TABLE": "public.lines", "SHEETS_SCHEDULE": "CRON_TZ=UTC 15 * * * *"})
	if next, ok := s.NextSync("hourly"); !ok || !next.Equal(time.Date(2026, 2, 11, 10, 15, 0, 0, time.UTC)) {
		t.Errorf("added sync job: NextSync = %v, %v", next, ok)
	}
	save(app.EditJob, map[string]string{"SHEETS_SCHEDULE": ""})
	if _, ok := s.NextSync("hourly"); ok {
		t.Error("a sync job without a schedule is scheduled")
	}
	save(app.EditJob, map[string]string{"SHEETS_SCHEDULE": "@hourly"})
	if err := a.RemoveSyncJob(ctx, "hourly"); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.NextSync("hourly"); ok {
		t.Error("a removed sync job is still scheduled")
	}
	if _, ok := s.Next("default"); !ok {
		t.Error("the backup job default is no longer scheduled")
	}
}

// TestScheduledSyncFiresAndOverlapIsSkipped: a sync job's schedule that
// comes round starts a sync; one that comes round while it still goes
// records a skipped sync.
func TestScheduledSyncFiresAndOverlapIsSkipped(t *testing.T) {
	runs := &fakeRuns{events: make(chan string)}
	a := installation(t, time.Now(), time.Time{}, map[string]string{"SHEETS_SPREADSHEET_ID": sheet, "SHEETS_TABLES": "public.orders",
		"SHEETS_SCHEDULE": "@hourly"})
	s := newScheduler(a, runs, quietLog())
	s.parse = func(string, *time.Location) (cron.Schedule, error) { return cron.Every(time.Second), nil }
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() {
		go func() { // the fake hears what the cron starts until it stops
			for range runs.events {
			}
		}()
		s.Stop()
		close(runs.events)
	}()
	next := func() string {
		t.Helper()
		for {
			select {
			case e := <-runs.events:
				if strings.Contains(e, " sync ") {
					return e
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the sync's schedule did not come round")
				return ""
			}
		}
	}
	if e := next(); e != "start sync default/schedule" {
		t.Errorf("first time: %s", e)
	}
	runs.mu.Lock()
	runs.syncing = true
	runs.mu.Unlock()
	if e := next(); e != "skip sync default" {
		t.Errorf("while the sync still goes: %s, want a skipped sync recorded", e)
	}
}
