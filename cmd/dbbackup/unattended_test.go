package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/emersion/go-smtp"
)

// TestMain lets a test run the program as a separate process (to kill it):
// the test binary behaves as dbbackup when DBBACKUP_TEST_MAIN is set.
func TestMain(m *testing.M) {
	if os.Getenv("DBBACKUP_TEST_MAIN") == "1" {
		main()
		return
	}
	if os.Getenv("DBBACKUP_TEST_MEASURE") == "1" {
		os.Exit(measureMain())
	}
	os.Exit(m.Run())
}

// mailbox is a real SMTP server in the test process that keeps what it
// receives.
type mailbox struct {
	mu   sync.Mutex
	msgs []*mail.Message
	port string
}

func newMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{}
	s := smtp.NewServer(mb)
	s.Domain = "localhost"
	s.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, mb.port, _ = net.SplitHostPort(ln.Addr().String())
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return mb
}

func (mb *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{mb: mb}, nil }

type session struct{ mb *mailbox }

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *session) Reset()                               {}
func (s *session) Logout() error                        { return nil }
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, m)
	s.mb.mu.Unlock()
	return nil
}

func (mb *mailbox) subjects() []string {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []string
	for _, m := range mb.msgs {
		s, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		out = append(out, s)
	}
	return out
}

func (mb *mailbox) env(base map[string]string) map[string]string {
	return withEnv(base, "SMTP_HOST", "127.0.0.1", "SMTP_PORT", mb.port, "EMAIL_TO", "owner@example.com,dba@example.com",
		"EMAIL_FROM", "backup@example.com")
}

func TestReportEmailForEveryOutcome(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	mb := newMailbox(t)
	dir, stateDir := t.TempDir(), t.TempDir()
	base := mb.env(map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "STATE_DIR": stateDir, "BACKUP_FORMATS": "csv,json"})

	ok := runCLI(t, base, "run")
	if ok.code != 0 {
		t.Fatalf("exit %d\n%s", ok.code, ok.stderr)
	}
	down := runCLI(t, withEnv(base, "DATABASE_URL", "postgres://postgres@127.0.0.1:1/x?connect_timeout=5"), "run")
	if down.code != exitFailed {
		t.Fatalf("database down: exit %d", down.code)
	}
	cfg := runCLI(t, withEnv(base, "BACKUP_TABLES", "public.invoices"), "run")
	if cfg.code != exitConfig {
		t.Fatalf("bad BACKUP_TABLES: exit %d", cfg.code)
	}
	failingDump := script(t, `case "$1" in --version) echo "pg_dump (PostgreSQL) 99.1";; *) echo "pg_dump: error: out of memory" >&2; exit 1;; esac`)
	export := runCLI(t, withEnv(base, "BACKUP_FORMATS", "csv,dump", "PG_DUMP", failingDump), "run")
	if export.code != exitFailed {
		t.Fatalf("pg_dump failing: exit %d", export.code)
	}
	subjects := mb.subjects()
	if len(subjects) != 4 {
		t.Fatalf("got %d emails, want 4: %q", len(subjects), subjects)
	}
	if !strings.Contains(subjects[3], "FAILED") || !strings.Contains(subjects[3], "export") {
		t.Errorf("export failure subject %q", subjects[3])
	}
	db, _, _ := strings.Cut(url[strings.LastIndex(url, "/")+1:], "?")
	if !strings.HasPrefix(subjects[0], "[dbbackup] OK "+db+" — 4 files, ") {
		t.Errorf("OK subject %q", subjects[0])
	}
	if !strings.HasPrefix(subjects[1], "[dbbackup] FAILED ") || !strings.Contains(subjects[1], "connect") {
		t.Errorf("database-down subject %q", subjects[1])
	}
	if !strings.HasPrefix(subjects[2], "[dbbackup] FAILED ") || !strings.Contains(subjects[2], "BACKUP_TABLES") {
		t.Errorf("config-error subject %q", subjects[2])
	}

	// The history has all three, with their reports.
	s, err := state.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs, err := s.Runs(context.Background(), "", 0)
	if err != nil || len(runs) != 4 {
		t.Fatalf("history: %v %+v", err, runs)
	}
	runs = runs[1:] // the export failure is the newest
	if runs[2].Status != state.StatusOK || !runs[2].ReportSent || runs[1].Stage != dbbackup.StageConnect || runs[0].Stage != dbbackup.StageConfig {
		t.Fatalf("history: %+v", runs)
	}
	hist := runCLI(t, base, "history")
	if hist.code != 0 || !strings.Contains(hist.stdout, "failed at connect") || !strings.Contains(hist.stdout, "sent") {
		t.Errorf("history command:\n%s%s", hist.stdout, hist.stderr)
	}
}

func TestSMTPDownExitsThreeAndKeepsTheBackup(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close() // nothing listens there now
	dir, stateDir := t.TempDir(), t.TempDir()
	res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "STATE_DIR": stateDir, "BACKUP_FORMATS": "csv",
		"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "EMAIL_TO": "owner@example.com"}, "run")
	if res.code != exitNoReport {
		t.Fatalf("exit %d, want %d\n%s", res.code, exitNoReport, res.stderr)
	}
	if !strings.Contains(res.stderr, "127.0.0.1:"+port) || !strings.Contains(res.stderr, "is stored") {
		t.Errorf("stderr:\n%s", res.stderr)
	}
	if files := setFiles(t, dir); len(files) != 3 {
		t.Fatalf("the backup is not there: %v", files)
	}
	s, _ := state.Open(stateDir)
	defer s.Close()
	runs, _ := s.Runs(context.Background(), "", 1)
	d, err := s.Run(context.Background(), runs[0].ID)
	if err != nil || d.Status != state.StatusOK || d.Report == nil || d.Report.Sent || d.Report.Text == "" {
		t.Fatalf("the unsent report is not kept: %v %+v", err, d)
	}
}

func TestSecondRunExitsFour(t *testing.T) {
	dir := t.TempDir()
	l, err := lock.Acquire(filepath.Join(dir, ".dbbackup.lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	res := runCLI(t, map[string]string{"BACKUP_DIR": dir, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/x"}, "run")
	if res.code != exitLocked || !strings.Contains(res.stderr, fmt.Sprintf("another backup is running (pid %d since", os.Getpid())) {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
}

func TestRetentionAndPruneDryRun(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	dir := t.TempDir()
	now := time.Now()
	for day := 1; day <= 40; day++ { // a month and more of daily sets
		seedSet(t, dir, dbbackup.SetIDAt("backup", now.AddDate(0, 0, -day).Add(time.Hour), 1), dbName(url)) // an hour younger than whole days
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o640)
	future := dbbackup.SetIDAt("backup", now.AddDate(0, 0, 5), 1)
	seedSet(t, dir, future, dbName(url))
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv"}

	dry := runCLI(t, env, "prune", "--dry-run")
	if dry.code != 0 || strings.Count(dry.stdout, "would delete") != 10 || !strings.Contains(dry.stdout, "dated in the future") {
		t.Fatalf("dry run: exit %d\n%s%s", dry.code, dry.stdout, dry.stderr)
	}
	if n := len(setFiles(t, dir)); n != 83 {
		t.Fatalf("the dry run deleted files: %d left", n)
	}
	res := runCLI(t, env, "run")
	if res.code != 0 || !strings.Contains(res.stdout, "Retention: deleted 10 expired sets") {
		t.Fatalf("run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	files := setFiles(t, dir)
	if len(files) != 83-20+3 {
		t.Fatalf("%d files left: %v", len(files), files)
	}
	for _, want := range []string{"notes.txt", future + ".csv"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("%s was deleted", want)
		}
	}
	if again := runCLI(t, env, "prune", "--dry-run"); strings.Contains(again.stdout, "would delete") {
		t.Errorf("after the run, a dry run still would delete:\n%s", again.stdout)
	}
}

// exporting reports whether a run is writing a file of its set into the
// staging folder (its record of the run is there from the start).
func exporting(staging string) bool {
	sets, _ := os.ReadDir(staging)
	for _, set := range sets {
		files, _ := os.ReadDir(filepath.Join(staging, set.Name()))
		for _, f := range files {
			if strings.HasPrefix(f.Name(), "backup_") {
				return true
			}
		}
	}
	return false
}

// TestKilledRunThenACleanRun kills a run with SIGKILL mid-export, after it
// stored the first file of its set; the next run starts (the lock is
// free), removes what the killed one left and says so, and the history
// says the first was interrupted.
func TestKilledRunThenACleanRun(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 2000000) g;`)
	dir, stateDir := t.TempDir(), t.TempDir()
	env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "STATE_DIR": stateDir, "BACKUP_FORMATS": "json,xlsx"}
	cmd := exec.Command(os.Args[0], "run", "--env-file", filepath.Join(dir, "none.env"))
	cmd.Env = append(os.Environ(), "DBBACKUP_TEST_MAIN=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	os.WriteFile(filepath.Join(dir, "none.env"), nil, 0o600)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	staging := filepath.Join(dir, stagingDirName)
	deadline := time.Now().Add(60 * time.Second)
	schemaStored := func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, "backup_*.schema.sql"))
		return len(m) > 0
	}
	for {
		// Killed while json and xlsx are written, once the schema, done
		// at once, is stored: the set is half there.
		if exporting(staging) && schemaStored() {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the run never started writing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	os.Remove(filepath.Join(dir, "none.env"))
	sets, _ := os.ReadDir(staging)
	if len(sets) != 1 {
		t.Fatalf("the staging folder holds %d runs, want the killed one", len(sets))
	}
	killed := sets[0].Name()
	// Files done before the kill (the schema, say) may be stored already;
	// never the manifest, so the set is incomplete, not a backup.
	left := 0
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		f := e.Name()
		if strings.HasSuffix(f, ".manifest.json") {
			t.Fatalf("a killed run stored its manifest %s: its set looks whole", f)
		}
		if strings.HasPrefix(f, killed) {
			left++
		}
	}

	res := runCLI(t, withEnv(env, "BACKUP_FORMATS", "csv"), "run")
	if res.code != 0 {
		t.Fatalf("the run after a kill: exit %d\n%s", res.code, res.stderr)
	}
	if entries, _ := os.ReadDir(staging); len(entries) != 0 {
		t.Errorf("the killed run's files are still in the staging folder")
	}
	// Only the new set is there (its id may be the killed one's, freed
	// when its leftovers were removed in the same second).
	if files := setFiles(t, dir); len(files) != 3 {
		t.Errorf("after the run that followed the kill: %v, want its schema, csv and manifest alone", files)
	}
	if note := "removed the leftovers of the interrupted run " + killed; left == 0 || !strings.Contains(res.stdout+res.stderr, note) {
		t.Errorf("the killed run left %d files and the next run did not say %q:\n%s%s", left, note, res.stdout, res.stderr)
	}
	runs := history(t, stateDir)
	if len(runs) != 2 || runs[1].Status != state.StatusInterrupted || runs[0].Status != state.StatusOK {
		t.Fatalf("history %+v", runs)
	}
}

func TestTimeoutStopsTheRunAndKeepsNothing(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 300000) g;`)
	dir := t.TempDir()
	res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "xlsx", "BACKUP_TIMEOUT": "100ms"}, "run")
	if res.code != exitFailed || !strings.Contains(res.stderr, "BACKUP_TIMEOUT") {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if files := setFiles(t, dir); len(files) != 0 {
		t.Fatalf("a run that timed out left %v", files)
	}
}

// TestSignalStopsCleanly: Ctrl-C (SIGINT) or SIGTERM during a run removes
// its temporary files, stores nothing, records the run as interrupted, and
// exits as a shell reports a program the signal ended: 130, 143.
func TestSignalStopsCleanly(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 1000000) g;`)
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			dir, stateDir := t.TempDir(), t.TempDir()
			empty := filepath.Join(t.TempDir(), "empty.env")
			os.WriteFile(empty, nil, 0o600)
			cmd := exec.Command(os.Args[0], "run", "--env-file", empty)
			cmd.Env = append(os.Environ(), "DBBACKUP_TEST_MAIN=1", "DATABASE_URL="+url, "BACKUP_DIR="+dir, "STATE_DIR="+stateDir,
				"BACKUP_FORMATS=xlsx")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			staging := filepath.Join(dir, stagingDirName)
			for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				if exporting(staging) {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatal("the run never started writing")
				}
			}
			cmd.Process.Signal(tt.sig)
			err := cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Fatalf("exit %d, want %d (%v)\n%s", code, tt.code, err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("stderr does not say it was interrupted:\n%s", stderr.String())
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != stagingDirName && e.Name() != ".dbbackup.lock" {
					t.Errorf("an interrupted run left %s", e.Name())
				}
			}
			if left, _ := os.ReadDir(staging); len(left) != 0 {
				t.Errorf("an interrupted run left its staging files")
			}
			if runs := history(t, stateDir); len(runs) != 1 || runs[0].Status != state.StatusInterrupted || runs[0].Stage != dbbackup.StageExport {
				t.Fatalf("history %+v", runs)
			}
		})
	}
}

// texts returns the text/plain part of every message received, decoded.
func (mb *mailbox) texts(t *testing.T) []string {
	t.Helper()
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []string
	for _, m := range mb.msgs {
		_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		mr := multipart.NewReader(m.Body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable
			if err != nil {
				t.Fatalf("no text/plain part: %v", err)
			}
			if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
				b, _ := io.ReadAll(p)
				out = append(out, strings.ReplaceAll(string(b), "\r\n", "\n"))
				break
			}
		}
	}
	return out
}
