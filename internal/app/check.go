package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/export/dump"
	"github.com/dbbackup/dbbackup/internal/googleauth"
	"github.com/dbbackup/dbbackup/internal/state"
)

// Check is one check of the setup: what it looks at (Name), and Run, which
// says what it found or what is wrong.
type Check struct {
	Name string
	Run  func(ctx context.Context) (detail string, err error)
}

// Checks are the checks of the setup the job cfg describes: each looks at
// one thing a backup needs (folder, history, database, pg_dump, Google,
// SMTP), or a sync job reading its database needs (Google Sheets), as a run would, and changes nothing (a Google access token may be
// refreshed). Run them in order: the pg_dump check needs what the database
// check found.
func (a *App) Checks(cfg *config.Config, log *slog.Logger) []Check {
	var server dbbackup.SnapshotInfo // the database check fills it for the pg_dump check
	checks := []Check{
		{"backup folder", func(context.Context) (string, error) { return checkFolder(cfg.BackupDir) }},
		{"run history", func(ctx context.Context) (string, error) { return checkHistory(ctx, cfg.StateDir, cfg.Job) }},
		{"database", func(ctx context.Context) (string, error) { return checkDatabase(ctx, cfg, log, &server) }},
	}
	if contains(cfg.Formats, dbbackup.FormatDump) {
		checks = append(checks, Check{"pg_dump", func(ctx context.Context) (string, error) { return checkPgDump(ctx, cfg, server) }})
	}
	if cfg.DriveEnabled() {
		checks = append(checks,
			Check{"Google credentials", func(context.Context) (string, error) { return checkCredentials(cfg) }},
			Check{"Google Drive", func(ctx context.Context) (string, error) { return a.checkDrive(ctx, cfg, log) }})
	}
	checks = append(checks, a.sheetsChecks(cfg, log)...)
	if len(cfg.Email.To) > 0 {
		checks = append(checks, Check{"SMTP server", func(ctx context.Context) (string, error) { return checkSMTP(ctx, cfg) }})
	}
	return checks
}

func contains(formats []dbbackup.Format, f dbbackup.Format) bool {
	for _, x := range formats {
		if x == f {
			return true
		}
	}
	return false
}

// checkFolder tells whether a run can write in dir, without creating it
// or anything in it.
func checkFolder(dir string) (string, error) {
	if err := UsableDir("BACKUP_DIR", dir, false); err != nil {
		return "", err
	}
	if _, err := os.Stat(dir); err != nil {
		return dir + " does not exist yet: the first run creates it", nil
	}
	return dir + " is writable", nil
}

// checkHistory reads the run history; a missing one is left for the first
// run to create.
func checkHistory(ctx context.Context, dir, job string) (string, error) {
	if err := UsableDir("STATE_DIR", dir, false); err != nil {
		return "", err
	}
	path := filepath.Join(dir, state.FileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return path + " does not exist yet: the first run creates it", nil
	}
	s, err := state.Open(dir)
	if err != nil {
		return "", err
	}
	defer s.Close()
	runs, err := s.Runs(ctx, job, 1)
	if err != nil {
		return "", err
	}
	if len(runs) == 0 {
		return s.Path() + ", no run yet", nil
	}
	return fmt.Sprintf("%s, last run %s: %s", s.Path(), runs[0].Started.Format("2006-01-02 15:04"), RunStatus(runs[0])), nil
}

// checkDatabase opens a snapshot as a run would and checks the scope and
// read access to every table in it, as a run does before it exports.
func checkDatabase(ctx context.Context, cfg *config.Config, log *slog.Logger, server *dbbackup.SnapshotInfo) (string, error) {
	pg, db, err := NewDatabase(cfg, log)
	if err != nil {
		return "", err
	}
	snap, err := db.Snapshot(ctx)
	if err != nil {
		return "", err
	}
	defer snap.Close(ctx)
	*server = snap.Info()
	tables, err := cfg.Scope.SelectFrom(ctx, snap)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s, PostgreSQL %s, tables in scope: %d, all readable", pg.Target(), server.ServerVersion, len(tables)), nil
}

func checkPgDump(ctx context.Context, cfg *config.Config, info dbbackup.SnapshotInfo) (string, error) {
	if info.ServerMajor == 0 {
		return "", errors.New("needs the database's version (see the database check)")
	}
	e, err := DumpExporter(cfg)
	if err != nil {
		return "", err
	}
	bin, err := e.Check(ctx, info.ServerMajor, info.ServerVersion)
	if err != nil {
		return "", err
	}
	msg := bin + " matches PostgreSQL " + strconv.Itoa(info.ServerMajor)
	if cfg.DumpCompression != "" {
		msg += ", compresses with " + dump.CompressionVar + "=" + string(cfg.DumpCompression)
	}
	return msg, nil
}

func checkCredentials(cfg *config.Config) (string, error) {
	path := cfg.Google.CredentialsFile
	if _, err := os.Stat(path); err != nil {
		return path + " not present: only `dbbackup token` needs it", nil
	}
	c, err := googleauth.LoadClient(path, cfg.Google.Scopes)
	if err != nil {
		return "", err
	}
	return path + " is a " + c.Kind() + " OAuth client", nil
}

// checkDrive refreshes the token and checks the folder and the quota.
func (a *App) checkDrive(ctx context.Context, cfg *config.Config, log *slog.Logger) (string, error) {
	tok, err := googleauth.ReadToken(cfg.Google.TokenFile)
	if err != nil {
		return "", err
	}
	fresh := *tok
	fresh.AccessToken = "" // so that a refresh is tried now
	if _, err := googleauth.TokenSource(ctx, tok.Config(cfg.Google.Scopes), &fresh, cfg.Google.TokenFile, log).Token(); err != nil {
		return "", err
	}
	d, _, err := a.Drive(ctx, cfg, log)
	if err != nil {
		return "", err
	}
	q, err := d.Check(ctx, 0)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("token valid for %s; folder %s is writable; %s used, %s free", orDash(q.User), cfg.Google.FolderID,
		dbbackup.HumanSize(q.Usage), FreeText(q.Free())), nil
}

// checkSMTP connects and reads the server's greeting.
func checkSMTP(ctx context.Context, cfg *config.Config) (string, error) {
	addr := net.JoinHostPort(cfg.Email.Host, strconv.Itoa(cfg.Email.Port))
	conn, err := (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", dbbackup.WithHint(fmt.Errorf("cannot reach %s: %w", addr, err),
			"start the mail server (e.g. postfix) or set SMTP_HOST and SMTP_PORT to one that runs")
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	greeting, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("%s sent no greeting: %w", addr, err)
	}
	if !strings.HasPrefix(greeting, "220") {
		return "", fmt.Errorf("%s answered %q, not an SMTP greeting", addr, strings.TrimSpace(greeting))
	}
	fmt.Fprintf(conn, "QUIT\r\n")
	return fmt.Sprintf("%s answers; reports go to %s", addr, strings.Join(cfg.Email.To, ", ")), nil
}

// RunStatus is a run's status for people: "failed at export", "ok", ….
func RunStatus(r state.Run) string {
	if r.Stage != "" && r.Status == state.StatusFailed {
		return "failed at " + string(r.Stage)
	}
	return string(r.Status)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
