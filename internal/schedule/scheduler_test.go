package schedule

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/robfig/cron/v3"
)

// fakeRuns is the Manager as the scheduler sees it: it records what it
// is asked.
type fakeRuns struct {
	mu      sync.Mutex
	started []string // job/by, "sync NAME/by" for a sync
	skipped []string
	running bool        // Start answers ErrRunning
	syncing bool        // StartSync answers ErrRunning
	events  chan string // when set, hears "start job/by", "skip job", "start sync NAME/by", "skip sync NAME"
}

// tell sends event to the test once f.mu is released: a test that takes
// f.mu (to make the fake answer otherwise) while the cron waits for it to
// read would otherwise wait forever on both sides.
func (f *fakeRuns) tell(event string) {
	if f.events != nil {
		f.events <- event
	}
}

// record notes a call under f.mu, then tells the test.
func (f *fakeRuns) record(list *[]string, entry, event string) {
	f.mu.Lock()
	*list = append(*list, entry)
	f.mu.Unlock()
	f.tell(event)
}

func (f *fakeRuns) busy(flag *bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *flag
}

func (f *fakeRuns) Start(_ context.Context, job, by string) error {
	if f.busy(&f.running) {
		return app.ErrRunning
	}
	f.record(&f.started, job+"/"+by, "start "+job+"/"+by)
	return nil
}

func (f *fakeRuns) RecordSkipped(_ context.Context, job string) {
	f.record(&f.skipped, job, "skip "+job)
}

func (f *fakeRuns) StartSync(_ context.Context, name, by string) error {
	if f.busy(&f.syncing) {
		return app.ErrRunning
	}
	f.record(&f.started, "sync "+name+"/"+by, "start sync "+name+"/"+by)
	return nil
}

func (f *fakeRuns) RecordSyncSkipped(_ context.Context, name string) {
	f.record(&f.skipped, "sync "+name, "skip sync "+name)
}

func (f *fakeRuns) calls() ([]string, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.started...), append([]string(nil), f.skipped...)
}

// installation is the job default, backed up nightly at 02:00 UTC, at a
// clock set to now; its history holds a good run that began at lastGood
// (none when zero).
func installation(t *testing.T, now, lastGood time.Time, env map[string]string) *app.App {
	t.Helper()
	stateDir := t.TempDir()
	for k, v := range map[string]string{"DATABASE_URL": "postgres://127.0.0.1/shop", "BACKUP_DIR": t.TempDir(),
		"STATE_DIR": stateDir, "BACKUP_SCHEDULE": "0 2 * * *", "BACKUP_NAME_TIMEZONE": "UTC", "EMAIL_TO": ""} {
		t.Setenv(k, v)
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	if !lastGood.IsZero() {
		st, err := state.Open(stateDir)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		ctx := context.Background()
		for _, run := range []struct {
			at time.Time
			ok bool
		}{{lastGood, true}, {lastGood.Add(time.Hour), false}} { // a failed run after it does not count
			o := &dbbackup.Outcome{Report: &dbbackup.Report{Started: run.at, Finished: run.at.Add(time.Minute)}}
			if !run.ok {
				o.Err, o.Stage = dbbackup.AtStage(dbbackup.StageConnect, io.ErrUnexpectedEOF), dbbackup.StageConnect
			}
			id, err := st.Begin(ctx, "default", run.at)
			if err == nil {
				err = st.Finish(ctx, id, o)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return &app.App{EnvFile: filepath.Join(t.TempDir(), "none"), Now: func() time.Time { return now }}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestStartMakesUpForAMissedRun: at the server's start, a job whose last
// good run is older than a period runs once, unless BACKUP_CATCH_UP is
// off; the dashboard's next run is the schedule's.
func TestStartMakesUpForAMissedRun(t *testing.T) {
	now := time.Date(2026, 2, 11, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		lastGood time.Time
		env      map[string]string
		want     int
	}{
		{"last night missed", now.Add(-32 * time.Hour), nil, 1},
		{"last night made", now.Add(-8 * time.Hour), nil, 0},
		{"last night missed, catch-up off", now.Add(-32 * time.Hour), map[string]string{"BACKUP_CATCH_UP": "false"}, 0},
		{"never backed up", time.Time{}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runs := &fakeRuns{}
			s := newScheduler(installation(t, now, tt.lastGood, tt.env), runs, quietLog())
			if err := s.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			defer s.Stop()
			started, _ := runs.calls()
			if len(started) != tt.want || tt.want == 1 && started[0] != "default/catch-up" {
				t.Errorf("started %v, want %d catch-up run(s)", started, tt.want)
			}
			next, ok := s.Next("default")
			if want := time.Date(2026, 2, 12, 2, 0, 0, 0, time.UTC); !ok || !next.Equal(want) {
				t.Errorf("Next = %v, %v; want %v", next, ok, want)
			}
		})
	}
}

// TestReloadFollowsTheJobs: a job added, edited or removed while the
// server runs is scheduled, moved or dropped at once.
func TestReloadFollowsTheJobs(t *testing.T) {
	now := time.Date(2026, 2, 11, 10, 0, 0, 0, time.UTC)
	a := installation(t, now, time.Time{}, nil)
	s := newScheduler(a, &fakeRuns{}, quietLog())
	ctx := context.Background()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if _, ok := s.Next("crm"); ok {
		t.Fatal("a job that does not exist is scheduled")
	}
	save := func(how app.Save, values map[string]string) {
		t.Helper()
		if err := a.SaveJob(ctx, "crm", values, how); err != nil {
			t.Fatal(err)
		}
		if err := s.Reload(ctx); err != nil {
			t.Fatal(err)
		}
	}
	save(app.AddJob, map[string]string{"DATABASE_URL": "postgres://127.0.0.1/crm", "BACKUP_SCHEDULE": "CRON_TZ=Europe/Moscow 30 4 * * *"})
	if next, ok := s.Next("crm"); !ok || !next.Equal(time.Date(2026, 2, 12, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("added job: Next = %v, %v; want 04:30 in Moscow", next, ok)
	}
	save(app.EditJob, map[string]string{"BACKUP_SCHEDULE": "@hourly"})
	if next, ok := s.Next("crm"); !ok || !next.Equal(time.Date(2026, 2, 11, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("edited job: Next = %v, %v; want the next hour", next, ok)
	}
	if err := a.RemoveJob(ctx, "crm"); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Next("crm"); ok {
		t.Error("a removed job is still scheduled")
	}
	if _, ok := s.Next("default"); !ok {
		t.Error("the job default is no longer scheduled")
	}
}

// TestSchedulerFiresOnTime is the one real-clock test: a schedule that
// comes round starts the job, and one that comes round while the job
// still runs records a skipped run.
func TestSchedulerFiresOnTime(t *testing.T) {
	runs := &fakeRuns{events: make(chan string)}
	s := newScheduler(installation(t, time.Now(), time.Time{}, nil), runs, quietLog())
	s.parse = func(string, *time.Location) (cron.Schedule, error) { return cron.Every(time.Second), nil }
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	next := func() string {
		t.Helper()
		select {
		case e := <-runs.events:
			return e
		case <-time.After(10 * time.Second):
			t.Fatal("the schedule did not come round")
			return ""
		}
	}
	if e := next(); e != "start default/schedule" {
		t.Errorf("first time: %s", e)
	}
	runs.mu.Lock()
	runs.running = true
	runs.mu.Unlock()
	if e := next(); e != "skip default" {
		t.Errorf("while the job still runs: %s, want a skipped run recorded", e)
	}
	go func() { // the fake hears what the cron starts until it stops
		for range runs.events {
		}
	}()
	s.Stop()
	close(runs.events)
}
