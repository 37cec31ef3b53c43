package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// bigTable is large enough that a run is still exporting when a test
// acts on it.
const bigTable = `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 200000) g;`

// managerSetup is an installation of the job default backing up the
// database url, with the folders it uses.
type managerSetup struct {
	app           *App
	dir, stateDir string
}

func newManagerSetup(t *testing.T, url string, env map[string]string) managerSetup {
	t.Helper()
	s := managerSetup{app: &App{EnvFile: filepath.Join(t.TempDir(), "none")}, dir: t.TempDir(), stateDir: t.TempDir()}
	for k, v := range map[string]string{"DATABASE_URL": url, "BACKUP_DIR": s.dir, "STATE_DIR": s.stateDir,
		"BACKUP_FORMATS": "csv,json", "EMAIL_TO": "", "BACKUP_VERIFY": "never"} {
		t.Setenv(k, v)
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	return s
}

// runs reads the history, newest first.
func (s managerSetup) runs(t *testing.T) []state.Run {
	t.Helper()
	st, err := state.Open(s.stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, err := st.Runs(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

// leftBehind lists what is in BACKUP_DIR besides the lock and an empty
// staging folder: after a stopped run, nothing.
func (s managerSetup) leftBehind(t *testing.T) []string {
	t.Helper()
	entries, _ := os.ReadDir(s.dir)
	var left []string
	for _, e := range entries {
		if e.Name() == LockName(dbbackup.DefaultJob) {
			continue
		}
		if sub, _ := os.ReadDir(filepath.Join(s.dir, e.Name())); e.IsDir() && len(sub) == 0 {
			continue
		}
		left = append(left, e.Name())
	}
	return left
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// watchExport returns a manager whose runs signal the returned channel
// once they export rows.
func watchExport(a *App) (*Manager, <-chan Live) {
	m := NewManager(a, quietLog())
	ch := make(chan Live, 1)
	var once sync.Once
	m.heard = func(l Live) {
		for _, f := range l.Formats {
			if l.Stage == dbbackup.StageExport && f.Rows+f.Bytes > 0 {
				once.Do(func() { ch <- l })
			}
		}
	}
	return m, ch
}

func waitRun(t *testing.T, m *Manager, job string) Live {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	l, ok, err := m.Wait(ctx, job)
	if err != nil || !ok {
		t.Fatalf("Wait(%s) = %v, %v", job, ok, err)
	}
	return l
}

// TestManagerRunsAJobInTheBackground: Start returns at once; the run's
// page can follow it by its history id, and sees every format's rows.
func TestManagerRunsAJobInTheBackground(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE items AS SELECT g AS id FROM generate_series(1, 1500) g;
		CREATE TABLE tags AS SELECT g AS id FROM generate_series(1, 7) g;`)
	s := newManagerSetup(t, url, nil)
	m := NewManager(s.app, quietLog())
	var mu sync.Mutex
	var idsHeard []int64
	m.heard = func(l Live) { mu.Lock(); idsHeard = append(idsHeard, l.RunID); mu.Unlock() }
	if err := m.Start(context.Background(), "default", "alice"); err != nil {
		t.Fatal(err)
	}
	if err := m.Start(context.Background(), "default", "bob"); !errors.Is(err, ErrRunning) {
		t.Errorf("a second start while the job runs: %v, want ErrRunning", err)
	}
	if active := m.Active(); len(active) != 1 || active[0].By != "alice" {
		t.Errorf("Active() = %+v, want alice's run", active)
	}
	l := waitRun(t, m, "default")
	runs := s.runs(t)
	if len(runs) != 1 || runs[0].Status != state.StatusOK {
		t.Fatalf("history %+v, want one ok run", runs)
	}
	if !l.Done || l.Status != state.StatusOK || l.Err != "" || l.RunID != runs[0].ID || l.By != "alice" {
		t.Errorf("Live after the run: %+v; want done, ok, run %d", l, runs[0].ID)
	}
	if len(idsHeard) == 0 || idsHeard[0] != runs[0].ID {
		t.Errorf("the run id known while it ran: %v, want %d from the start", idsHeard, runs[0].ID)
	}
	for _, f := range []string{"csv", "json"} {
		if p := l.Formats[f]; p.Tables != 2 || p.Rows != 1507 && f == "json" {
			t.Errorf("format %s: %+v, want 2 tables (json: 1507 rows)", f, p)
		}
	}
	if l.Files != 4 { // schema, csv, json, manifest
		t.Errorf("files stored: %d, want 4", l.Files)
	}
	if len(m.Active()) != 0 {
		t.Errorf("a finished run is still active")
	}
	if err := m.Start(context.Background(), "nosuch", "alice"); !errors.As(err, new(*NoJobError)) {
		t.Errorf("start of a job that does not exist: %v", err)
	}
}

// TestManagerCancel: Cancel stops a run cleanly; the history says
// interrupted, by whom, and nothing looks like a backup; the table whose
// read was cut short is not counted as exported.
func TestManagerCancel(t *testing.T) {
	s := newManagerSetup(t, pgtest.NewDatabase(t, bigTable), nil)
	m := NewManager(s.app, quietLog())
	// The run is held as the read of its table begins until it is
	// cancelled: the formats are surely still being written then, while
	// the schema file may already be stored. Cancelled on a first count
	// of rows, a run could finish its exports before the cancel came.
	reading, cancelled := make(chan struct{}), make(chan struct{})
	var once sync.Once
	m.heard = func(l Live) {
		if l.Stage == dbbackup.StageExport && l.Table != "" {
			once.Do(func() { close(reading); <-cancelled })
		}
	}
	if m.Cancel("default", "alice") {
		t.Error("Cancel with no run going on reported one")
	}
	if err := m.Start(context.Background(), "default", "alice"); err != nil {
		t.Fatal(err)
	}
	<-reading
	found := m.Cancel("default", "alice")
	close(cancelled)
	if !found {
		t.Fatal("Cancel found no run")
	}
	l := waitRun(t, m, "default")
	if l.Status != state.StatusInterrupted || !l.Cancelled || l.CancelledBy != "alice" || l.Stage != dbbackup.StageExport ||
		l.Err != "export: cancelled by alice" {
		t.Errorf("Live: %+v; want interrupted at export, cancelled by alice", l)
	}
	// A format read the one table whole (200,000 rows), or was cut short.
	for format, f := range l.Formats {
		if whole := f.Rows == 200000; (f.Tables == 1) != whole || f.Table != "" {
			t.Errorf("%s: %d tables exported, %d rows read, %q going on; want 1 table only when read whole, none going on", format, f.Tables, f.Rows, f.Table)
		}
	}
	if runs := s.runs(t); len(runs) != 1 || runs[0].Status != state.StatusInterrupted || runs[0].Error != "export: cancelled by alice" {
		t.Errorf("history %+v, want one run interrupted, cancelled by alice", runs)
	}
	if left := s.leftBehind(t); len(left) != 0 {
		t.Errorf("a cancelled run left %v", left)
	}
}

// TestManagerAndCronShareTheLock: a run of the server and one of
// `dbbackup run` (system cron) never overlap: whichever comes second is
// recorded as skipped, not failed.
func TestManagerAndCronShareTheLock(t *testing.T) {
	s := newManagerSetup(t, pgtest.NewDatabase(t, bigTable), nil)
	cfg, err := s.app.Load()
	if err != nil {
		t.Fatal(err)
	}

	// cron's run holds the lock: the server's is skipped.
	held, err := lock.Acquire(filepath.Join(s.dir, LockName(cfg.Job)))
	if err != nil {
		t.Fatal(err)
	}
	m, exported := watchExport(s.app)
	if err := m.Start(context.Background(), "default", "schedule"); err != nil {
		t.Fatal(err)
	}
	l := waitRun(t, m, "default")
	held.Release()
	if l.Status != state.StatusSkipped || !strings.Contains(l.Err, "another backup is running") || l.Hint == "" {
		t.Errorf("server's run while cron's goes on: %+v; want skipped, saying why", l)
	}

	// The server's run goes on: cron's is skipped, the server's ends well.
	if err := m.Start(context.Background(), "default", "schedule"); err != nil {
		t.Fatal(err)
	}
	<-exported
	_, err = s.app.Run(context.Background(), cfg, quietLog(), nil)
	if !lock.IsHeld(err) {
		t.Errorf("cron's run while the server's goes on: %v, want the lock held", err)
	}
	// The schedule comes round while the server's own run goes on.
	m.RecordSkipped(context.Background(), "default")
	if l := waitRun(t, m, "default"); l.Status != state.StatusOK {
		t.Errorf("the server's run: %+v", l)
	}
	var got []state.Status
	for _, r := range s.runs(t) {
		got = append(got, r.Status)
	}
	if strings.Join(statusNames(got), ",") != "skipped,skipped,ok,skipped" {
		t.Errorf("history, newest first (by start): %v; want skipped (schedule), skipped (cron), ok (server), skipped (server)", got)
	}
}

func statusNames(ss []state.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// TestManagerShutdown: SIGTERM cancels the run going on (history says
// interrupted, nothing left) unless it is given time to finish; no run
// starts once the server is stopping.
func TestManagerShutdown(t *testing.T) {
	s := newManagerSetup(t, pgtest.NewDatabase(t, bigTable), nil)
	m, exported := watchExport(s.app)
	if err := m.Start(context.Background(), "default", "schedule"); err != nil {
		t.Fatal(err)
	}
	<-exported
	m.Shutdown(context.Background(), 0)
	if runs := s.runs(t); len(runs) != 1 || runs[0].Status != state.StatusInterrupted {
		t.Errorf("after Shutdown: history %+v, want the run recorded interrupted", runs)
	}
	if left := s.leftBehind(t); len(left) != 0 {
		t.Errorf("a run stopped by Shutdown left %v", left)
	}
	if err := m.Start(context.Background(), "default", "schedule"); !errors.Is(err, ErrShuttingDown) {
		t.Errorf("Start after Shutdown: %v", err)
	}

	m, exported = watchExport(s.app)
	if err := m.Start(context.Background(), "default", "schedule"); err != nil {
		t.Fatal(err)
	}
	<-exported
	m.Shutdown(context.Background(), 10*time.Minute)
	if l, _ := m.Live("default"); l.Status != state.StatusOK || l.Cancelled {
		t.Errorf("a run given time to finish: %+v", l)
	}
}

// TestManagerSettingsThatStopTheRun: a job whose settings are wrong
// starts a run that fails at once, recorded as `dbbackup run` records it.
func TestManagerSettingsThatStopTheRun(t *testing.T) {
	s := newManagerSetup(t, "postgres://127.0.0.1/none", map[string]string{"BACKUP_FORMATS": "csv,pdf"})
	m := NewManager(s.app, quietLog())
	if err := m.Start(context.Background(), "default", "schedule"); err != nil {
		t.Fatal(err)
	}
	l := waitRun(t, m, "default")
	runs := s.runs(t)
	if l.Status != state.StatusFailed || l.Stage != dbbackup.StageConfig || !strings.Contains(l.Err, "BACKUP_FORMATS") ||
		len(runs) != 1 || runs[0].ID != l.RunID || runs[0].Stage != dbbackup.StageConfig {
		t.Errorf("Live %+v, history %+v; want one run failed at config, naming BACKUP_FORMATS", l, runs)
	}
}
