package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// TestRunLogKeepsTheLastLines: a run that logs without end keeps its
// last lines, where a failure is, and says how many went.
func TestRunLogKeepsTheLastLines(t *testing.T) {
	kept := newRunLog(3)
	var printed bytes.Buffer
	log := kept.tee(slog.New(slog.NewTextHandler(&printed, nil))).With("job", "crm")
	log.Debug("not printed, not kept")
	for i := 1; i <= 4; i++ {
		log.Info("exported", "table", "public.orders", "n", i)
	}
	log.WithGroup("drive").Warn("retrying", "attempt", 2, "err", "503 backend error")
	var got []string
	for _, l := range kept.Lines() {
		got = append(got, l.Level+" "+l.Message)
	}
	want := []string{
		"WARN 2 earlier lines of this run are left out: the history keeps its last 3",
		"INFO exported job=crm table=public.orders n=3",
		"INFO exported job=crm table=public.orders n=4",
		`WARN retrying job=crm drive.attempt=2 drive.err="503 backend error"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("kept:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := strings.Count(printed.String(), "\n"); n != 5 || strings.Contains(printed.String(), "not printed") {
		t.Errorf("the log itself printed %d lines, want the 5 at info and above:\n%s", n, printed.String())
	}

	debug := newRunLog(10)
	debug.tee(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))).Debug("snapshot exported")
	if lines := debug.Lines(); len(lines) != 1 || lines[0].Level != "DEBUG" {
		t.Errorf("a log at debug: kept %+v, want its debug line too", lines)
	}
}

// TestRunKeepsItsLogWithoutSecrets: the history keeps each run's log
// lines for its page (viewers read them): what the log printed, and
// never the database's or the mail server's password.
func TestRunKeepsItsLogWithoutSecrets(t *testing.T) {
	url := strings.Replace(pgtest.NewDatabase(t, `CREATE TABLE items AS SELECT g AS id FROM generate_series(1, 10) g;`),
		"postgres@", "postgres:s3cret-pw@", 1) // the server trusts: the password is carried, not checked
	s := newManagerSetup(t, url, map[string]string{"EMAIL_TO": "ops@example.com", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "1",
		"SMTP_USERNAME": "ops", "SMTP_PASSWORD": "smtp-s3cret", "SMTP_TLS": "tls"})
	cfg, err := s.app.Load()
	if err != nil {
		t.Fatal(err)
	}
	var printed bytes.Buffer
	o, _ := s.app.Run(context.Background(), cfg, slog.New(slog.NewTextHandler(&printed, nil)), nil)
	if o == nil || !o.OK() || o.RunID == 0 {
		t.Fatalf("run: %+v", o)
	}
	st, err := state.Open(s.stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lines, err := st.RunLog(context.Background(), o.RunID)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, l := range lines {
		text.WriteString(l.Level + " " + l.Message + "\n")
	}
	for _, want := range []string{"INFO backup started", "INFO exported set=", "format=csv", "INFO stored set=", "ERROR the report was not sent"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the kept log has no %q:\n%s", want, text.String())
		}
	}
	if n := strings.Count(printed.String(), "\n"); n != len(lines) {
		t.Errorf("kept %d lines, the log printed %d", len(lines), n)
	}
	for _, secret := range []string{"s3cret-pw", "smtp-s3cret"} {
		if strings.Contains(text.String(), secret) || strings.Contains(printed.String(), secret) {
			t.Errorf("the log shows the password %s:\n%s", secret, text.String())
		}
	}
}
