package state

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	// Characters that mean something in a URI must not confuse the driver.
	dir := filepath.Join(t.TempDir(), "data dir?#%")
	s := openStore(t, dir)
	id := record(t, s, okOutcome(t0))
	before, err := s.Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := openStore(t, dir).Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Errorf("the history is not where it should be: %v", err)
	}
	if after.SetID != before.SetID || len(after.Files) != 2 || len(after.Tables) != 3 || after.Report != nil {
		t.Errorf("after reopening: %+v", after)
	}
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "data")
	s := openStore(t, dir)
	record(t, s, okOutcome(t0)) // a write, so that the -wal file exists
	for path, want := range map[string]os.FileMode{
		dir:                                 0o700 | os.ModeDir,
		filepath.Join(dir, FileName):        0o600,
		filepath.Join(dir, FileName+"-wal"): 0o600,
		filepath.Join(dir, FileName+"-shm"): 0o600,
		filepath.Dir(dir):                   0o700 | os.ModeDir,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openStore(t, dir)
	id := record(t, s, okOutcome(t0))
	s.Close()
	s = openStore(t, dir) // a second Open applies nothing
	if v := userVersion(t, s); v != len(migrations) {
		t.Fatalf("user_version %d, want %d", v, len(migrations))
	}

	// A later version appends a step; it runs once and keeps the data.
	steps := append(migrations[:len(migrations):len(migrations)], `ALTER TABLE runs ADD COLUMN tool_version TEXT NOT NULL DEFAULT ''`)
	for range 2 {
		if err := migrate(ctx, s.db, steps); err != nil {
			t.Fatal(err)
		}
	}
	if v := userVersion(t, s); v != len(steps) {
		t.Errorf("user_version %d, want %d", v, len(steps))
	}
	var tool string
	if err := s.db.QueryRow(`SELECT tool_version FROM runs WHERE id = ?`, id).Scan(&tool); err != nil {
		t.Fatal(err)
	}
	if d, err := s.Run(ctx, id); err != nil || d.Status != StatusOK {
		t.Errorf("the run after the migration: %v, %v", d, err)
	}

	// This version must not write to a file a newer version made.
	s.Close()
	_, err := Open(dir)
	var he *dbbackup.HintError
	if !errors.Is(err, errNewer) || !errors.As(err, &he) || !strings.Contains(he.Hint, filepath.Join(dir, FileName)) {
		t.Errorf("opening a newer history: %v", err)
	}
}

func userVersion(t *testing.T, s *Store) (v int) {
	t.Helper()
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCorruptFile(t *testing.T) {
	for name, damage := range map[string]func(t *testing.T, path string){
		"not a database": func(t *testing.T, path string) {
			junk := strings.Repeat("this is a text file, not SQLite\n", 200)
			if err := os.WriteFile(path, []byte(junk), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"damaged schema page": func(t *testing.T, path string) {
			s, err := Open(filepath.Dir(path))
			if err != nil {
				t.Fatal(err)
			}
			record(t, s, okOutcome(t0))
			s.Close() // the last connection checkpoints the WAL into the file
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// Page 1 holds the schema after its 100-byte file header.
			if _, err := f.WriteAt([]byte(strings.Repeat("\xff", 3000)), 100); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			damage(t, path)
			s, err := Open(dir)
			if err == nil {
				s.Close()
				t.Fatal("Open accepted a damaged file")
			}
			var he *dbbackup.HintError
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), path) || !errors.As(err, &he) {
				t.Fatalf("error %q: want ErrCorrupt naming %s, with a hint", err, path)
			}
			if !strings.Contains(he.Hint, "mv "+path) || !strings.Contains(he.Hint, "backups do not need") {
				t.Errorf("hint %q: want how to move the file aside, and that backups go on", he.Hint)
			}
			// Moved aside as the hint says, a new history starts.
			if err := os.Rename(path, path+".broken"); err != nil {
				t.Fatal(err)
			}
			openStore(t, dir)
		})
	}
}

// A reader (the web UI, `dbbackup history`) in another connection pool
// reads while a run holds the write lock, and sees the last committed
// state; a second writer waits for the first instead of failing.
func TestReadersDuringWrite(t *testing.T) {
	dir := t.TempDir()
	w, r := openStore(t, dir), openStore(t, dir)
	id := begin(t, w, t0)

	tx, err := w.db.Begin() // BEGIN IMMEDIATE: the write lock is held
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`UPDATE runs SET status = 'ok' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	// Far below busyTimeout: a reader that had to wait would fail here.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	runs, err := r.Runs(ctx, "", 0)
	if err != nil || len(runs) != 1 || runs[0].Status != StatusRunning {
		t.Fatalf("Runs during a write: %+v, %v", runs, err)
	}
	if d, err := r.Run(ctx, id); err != nil || d.Status != StatusRunning {
		t.Fatalf("Run during a write: %+v, %v", d, err)
	}
	if _, _, _, err := r.LastSuccessful(ctx, "", "shop"); err != nil {
		t.Fatalf("LastSuccessful during a write: %v", err)
	}

	second := make(chan error, 1)
	go func() {
		_, err := r.Begin(context.Background(), "", t0.Add(time.Minute))
		second <- err
	}()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Errorf("a second writer failed instead of waiting: %v", err)
	}
	if runs, _ := r.Runs(context.Background(), "", 0); len(runs) != 2 || runs[1].Status != StatusOK {
		t.Errorf("after the commit: %+v", runs)
	}
}

// A run killed with SIGKILL after Begin stays "running" for readers, and
// becomes "interrupted" when the next run, holding the lock, says so.
func TestKilledRunIsInterrupted(t *testing.T) {
	if dir := os.Getenv("STATE_TEST_KILL_DIR"); dir != "" {
		s, err := Open(dir)
		if err == nil {
			_, err = s.Begin(context.Background(), "", t0)
		}
		if err != nil {
			os.Exit(2)
		}
		p, _ := os.FindProcess(os.Getpid())
		p.Kill()
		select {} // the kill arrives
	}
	ctx := context.Background()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledRunIsInterrupted$")
	cmd.Env = append(os.Environ(), "STATE_TEST_KILL_DIR="+dir)
	var ee *exec.ExitError
	if err := cmd.Run(); !errors.As(err, &ee) || ee.ExitCode() != -1 {
		t.Fatalf("helper process: %v, want killed by a signal", err)
	}

	reader := openStore(t, dir) // opening must not decide what a running row means
	runs, err := reader.Runs(ctx, "", 0)
	if err != nil || len(runs) != 1 || runs[0].Status != StatusRunning {
		t.Fatalf("after the kill: %+v, %v", runs, err)
	}
	n, err := reader.MarkInterrupted(ctx, "")
	if err != nil || n != 1 {
		t.Fatalf("MarkInterrupted: %d, %v", n, err)
	}
	if n, _ := reader.MarkInterrupted(ctx, ""); n != 0 {
		t.Errorf("a second MarkInterrupted found %d runs", n)
	}
	d, err := reader.Run(ctx, runs[0].ID)
	if err != nil || d.Status != StatusInterrupted || !d.Finished.IsZero() {
		t.Fatalf("interrupted run: %+v, %v", d, err)
	}
	if err := reader.Finish(ctx, d.ID, okOutcome(t0)); err == nil || !strings.Contains(err.Error(), "already interrupted") {
		t.Errorf("Finish of an interrupted run: %v", err)
	}
	// The next run records normally after it.
	id := record(t, reader, okOutcome(t0.Add(24*time.Hour)))
	if runs, _ := reader.Runs(ctx, "", 0); runs[0].ID != id || runs[1].Status != StatusInterrupted {
		t.Errorf("runs: %+v", runs)
	}
}

// A cron run and `dbbackup history` may open a new history at the same
// moment: both must succeed, and the schema be created once.
func TestConcurrentOpen(t *testing.T) {
	dir := t.TempDir()
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			s, err := Open(dir)
			if err == nil {
				_, err = s.Begin(context.Background(), "", t0)
				s.Close()
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if runs, err := openStore(t, dir).Runs(context.Background(), "", 0); err != nil || len(runs) != 4 {
		t.Errorf("runs: %d, %v", len(runs), err)
	}
}

// The file itself is in WAL mode, so that any connection, of this process
// or another, reads while a run writes.
func TestFileKeepsWALMode(t *testing.T) {
	dir := t.TempDir()
	openStore(t, dir).Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode of a plain connection: %q, %v; want wal", mode, err)
	}
}
