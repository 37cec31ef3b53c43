package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/postgres"
)

// TestRestoreOptions say what a restore test restores.
type TestRestoreOptions struct {
	SetID string // "" is the newest complete set of the job's database
	// Identity opens an encrypted set (see KeyFile).
	Identity Identity
	// Progress, when not nil, hears each table's load.
	Progress dbbackup.Observer
}

// TestRestore proves a set restorable: it makes a throwaway database
// (dbbackup_verify_…, on VERIFY_DATABASE_URL's server, else on
// DATABASE_URL's), restores the set into it as `restore` would, compares
// every table's row count and fingerprint with the manifest, and drops the
// database whatever happened. A set that came back different is a test
// with Problems (RestoreTest.Failed); an error means the test could not
// be made or the set could not be restored. A role that may not create
// the database is a *dbbackup.ConfigError naming VERIFY_DATABASE_URL.
func (a *App) TestRestore(ctx context.Context, cfg *config.Config, log *slog.Logger, opts TestRestoreOptions) (test *dbbackup.RestoreTest, err error) {
	started := time.Now()
	admin, variable := cfg.Verify.DatabaseURL, "VERIFY_DATABASE_URL"
	if admin == "" {
		admin = cfg.DatabaseURL
	}
	sweepScratches(ctx, admin, cfg.Timeout, started, log)
	scratch, err := postgres.CreateScratch(ctx, admin, scratchName(cfg.Job, started))
	if errors.Is(err, postgres.ErrCannotCreate) {
		return nil, &cannotTestError{&dbbackup.ConfigError{Var: variable, Problem: err.Error(),
			Hint: "let the role create databases (ALTER ROLE … CREATEDB), or set VERIFY_DATABASE_URL to a server and role that may (a test server is best), or BACKUP_VERIFY=never"}}
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		if derr := scratch.Drop(ctx); derr != nil {
			log.Error("the restore test's database was not dropped: it holds a copy of the data", "database", scratch.Name, "err", derr)
			if test != nil {
				test.Warnings = append(test.Warnings, derr.Error())
			}
		}
	}()
	target, err := ParseRestoreTarget(scratch.URL, variable)
	if err != nil {
		return nil, err
	}
	restored, err := a.Restore(ctx, cfg, log, target, RestoreOptions{SetID: opts.SetID, Identity: opts.Identity, Progress: opts.Progress})
	if err != nil {
		return nil, fmt.Errorf("restore test in the throwaway database %s, which is dropped: the set could not be restored: %w", scratch.Name, err)
	}
	m := restored.Set.Manifest
	test = &dbbackup.RestoreTest{SetID: restored.Set.ID, Format: restored.Format, Database: scratch.Name, Tables: len(m.Tables)}
	if test.Problems, test.Rows, err = compareTables(ctx, scratch.URL, m); err != nil {
		return nil, err
	}
	test.Took = time.Since(started)
	log.Info("restore test", "set", test.SetID, "from", test.Format, "tables", test.Tables, "rows", test.Rows,
		"problems", len(test.Problems), "duration", test.Took.Round(time.Millisecond))
	return test, nil
}

// compareTables reads every table of the manifest back from the restored
// database and says which differ from it, and how many rows there are.
func compareTables(ctx context.Context, url string, m *dbbackup.Manifest) (problems []string, rows int64, err error) {
	t, err := postgres.ConnectTarget(ctx, url)
	if err != nil {
		return nil, 0, err
	}
	defer t.Close(ctx)
	tables, err := t.Tables(ctx)
	if err != nil {
		return nil, 0, err
	}
	byName := make(map[string]dbbackup.Table, len(tables))
	for _, tb := range tables {
		byName[tb.String()] = tb
	}
	for _, want := range m.Tables {
		name := dbbackup.Table{Schema: want.Schema, Name: want.Name}.String()
		tb, ok := byName[name]
		if !ok {
			problems = append(problems, name+": not in the restored database")
			continue
		}
		sum, n, err := t.Fingerprint(ctx, tb, m.TimeZone)
		if err != nil {
			return nil, 0, err
		}
		rows += n
		switch {
		case want.Rows >= 0 && n != want.Rows:
			problems = append(problems, fmt.Sprintf("%s: %d rows, the manifest says %d", name, n, want.Rows))
		case want.Fingerprint != "" && sum != want.Fingerprint:
			problems = append(problems, fmt.Sprintf("%s: its rows differ from the backup's (fingerprint %s, the manifest says %s)", name, sum, want.Fingerprint))
		}
	}
	return problems, rows, nil
}

// cannotTestError is a restore test that could not be made for a reason
// that is not the set's: a run warns and goes on.
type cannotTestError struct{ *dbbackup.ConfigError }

func (e *cannotTestError) Unwrap() error { return e.ConfigError }
