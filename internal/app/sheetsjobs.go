package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/state"
)

// SyncJob is a Google Sheets sync job as listed: the .env's (default) or
// a stored one, with why its settings cannot be used when they cannot.
type SyncJob struct {
	Name   string
	Stored bool
	Job    *config.SyncJob // nil when Err
	Err    error
}

// SyncJobs lists the sync jobs: default first when the .env's SHEETS_*
// variables make it, then the stored ones by name. A job whose settings
// are wrong is listed with its error; reading creates nothing.
func (a *App) SyncJobs(ctx context.Context) ([]SyncJob, error) {
	var out []SyncJob
	if sh, err := config.LoadSheets(a.envFile(), a.Explicit); err != nil {
		out = append(out, SyncJob{Name: config.DefaultJob, Err: err})
	} else if sh.Default != nil {
		out = append(out, SyncJob{Name: config.DefaultJob, Job: sh.Default})
	}
	stored, err := a.storedSyncJobs(ctx)
	if err != nil {
		return nil, err
	}
	for _, j := range stored {
		sj, err := config.ParseSyncJob(j.Name, j.Settings)
		out = append(out, SyncJob{Name: j.Name, Stored: true, Job: sj, Err: err})
	}
	return out, nil
}

// LoadSyncJob reads the settings of the sync job name: default is the
// .env's SHEETS_* variables.
func (a *App) LoadSyncJob(ctx context.Context, name string) (*config.SyncJob, error) {
	if name == config.DefaultJob {
		sh, err := config.LoadSheets(a.envFile(), a.Explicit)
		if err != nil {
			return nil, err
		}
		if sh.Default == nil {
			return nil, noSyncJob(name)
		}
		return sh.Default, nil
	}
	j, ok, err := a.storedSyncJob(ctx, name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, noSyncJob(name)
	}
	sj, err := config.ParseSyncJob(name, j.Settings)
	if err != nil {
		return nil, fmt.Errorf("sync job %s: %w", name, err)
	}
	return sj, nil
}

// NoSyncJobError is a sync job asked for by name that does not exist: a
// command line to correct (exit code 2), never recorded.
type NoSyncJobError struct{ Name string }

func (e *NoSyncJobError) Error() string {
	if e.Name == config.DefaultJob {
		return "there is no sync job default: the .env sets no SHEETS_SPREADSHEET_ID and SHEETS_TABLES"
	}
	return fmt.Sprintf("there is no sync job %q", e.Name)
}

// Hint says where the sync jobs are.
func (e *NoSyncJobError) Hint() string {
	return "`dbbackup sheets list` lists the sync jobs; `dbbackup sheets add NAME --spreadsheet ID --table schema.table` makes one, " +
		"and SHEETS_SPREADSHEET_ID with SHEETS_TABLES in .env make the sync job default"
}

// ExitCode is ExitConfig: the name is wrong, not the sync.
func (e *NoSyncJobError) ExitCode() int { return dbbackup.ExitConfig }

func noSyncJob(name string) error { return &NoSyncJobError{name} }

// SaveSyncJob checks and stores the settings of the sync job name, keyed
// as config.SyncSettings: AddJob makes a new one, EditJob changes the
// settings given (a value "" removes one; a table given replaces a query
// and a query a table), ReplaceJob stores exactly these. The one
// validator (config.ParseSyncJob) reads them, the backup job SHEETS_JOB
// must exist, and no other sync job may write the same tab: two syncs of
// one tab would undo each other. Nothing is stored when anything is wrong.
func (a *App) SaveSyncJob(ctx context.Context, name string, values map[string]string, how Save) error {
	old, exists, err := a.storedSyncJob(ctx, name)
	if err != nil {
		return err
	}
	var problems config.Problems
	switch {
	case how == AddJob && exists:
		problems = append(problems, &dbbackup.ConfigError{Var: "NAME", Problem: fmt.Sprintf("a sync job %s exists already", name),
			Hint: "change that sync job with `dbbackup sheets edit`, or choose another name"})
	case how == EditJob && !exists:
		return noSyncJob(name)
	}
	if !exists {
		if err := config.CheckSyncName(name); err != nil {
			problems = append(problems, err.(*dbbackup.ConfigError))
		}
	}
	settings := map[string]string{}
	if how == EditJob {
		settings = maps.Clone(old.Settings)
		// One source: the one given takes the other's place.
		for given, other := range map[string]string{"SHEETS_TABLE": "SHEETS_QUERY", "SHEETS_QUERY": "SHEETS_TABLE"} {
			if values[given] != "" {
				delete(settings, other)
			}
		}
	}
	for k, v := range values {
		if v == "" && how == EditJob {
			delete(settings, k)
			continue
		}
		settings[k] = v
	}
	sj, err := config.ParseSyncJob(name, settings)
	var more config.Problems
	if errors.As(err, &more) {
		problems = append(problems, more...)
	}
	if sj != nil {
		problems = append(problems, a.checkSyncTarget(ctx, sj)...)
	}
	switch len(problems) {
	case 0:
	case 1:
		return fmt.Errorf("sync job %s: %w", name, problems[0])
	default:
		return fmt.Errorf("sync job %s: %w", name, problems)
	}
	inst, err := config.LoadInstallation(a.envFile(), a.Explicit)
	if err != nil {
		return err
	}
	return writeStore(inst.StateDir, func(s *state.Store) error { return s.PutSyncJob(ctx, state.Job{Name: name, Settings: settings}) })
}

// checkSyncTarget reports what a run of sj would find wrong elsewhere:
// a backup job that does not exist, a tab another sync job writes.
func (a *App) checkSyncTarget(ctx context.Context, sj *config.SyncJob) config.Problems {
	var p config.Problems
	if names, err := a.JobNames(ctx); err == nil && !slices.Contains(names, sj.Job) {
		p = append(p, &dbbackup.ConfigError{Var: "SHEETS_JOB", Problem: fmt.Sprintf("there is no backup job %q", sj.Job),
			Hint: "name the backup job whose database to read (" + strings.Join(names, ", ") + "): `dbbackup jobs` lists them"})
	}
	others, err := a.SyncJobs(ctx)
	if err != nil {
		return p
	}
	tabs := map[string]string{}
	for _, o := range others {
		if o.Job == nil || o.Name == sj.Name {
			continue
		}
		for _, src := range o.Job.Sources() {
			tabs[tabKey(o.Job.SpreadsheetID, src.Sheet)] = o.Name
		}
	}
	for _, src := range sj.Sources() {
		if other, taken := tabs[tabKey(sj.SpreadsheetID, src.Sheet)]; taken {
			p = append(p, &dbbackup.ConfigError{Var: "SHEETS_SHEET", Problem: fmt.Sprintf("sync job %s writes the tab %q of this spreadsheet already", other, src.Sheet),
				Hint: "two syncs of one tab would undo each other: name another tab (--sheet), or change sync job " + other})
		}
	}
	return p
}

// tabKey is a tab as Google finds it: titles match without case.
func tabKey(spreadsheet, sheet string) string { return spreadsheet + "\x00" + strings.ToLower(sheet) }

// RemoveSyncJob deletes a stored sync job. Its tabs and runs are kept.
func (a *App) RemoveSyncJob(ctx context.Context, name string) error {
	if name == config.DefaultJob {
		return config.CheckSyncName(name)
	}
	return a.removeStored(ctx, name, (*state.Store).RemoveSyncJob, noSyncJob)
}

// storedSyncJob reads one stored sync job; ok is false when there is none
// (or no state database yet).
func (a *App) storedSyncJob(ctx context.Context, name string) (j state.Job, ok bool, err error) {
	err = a.readStore(func(s *state.Store) (err error) {
		j, ok, err = s.SyncJob(ctx, name)
		return err
	})
	return j, ok, err
}

// storedSyncJobs reads every stored sync job; none when there is no
// state database yet.
func (a *App) storedSyncJobs(ctx context.Context) (jobs []state.Job, err error) {
	err = a.readStore(func(s *state.Store) (err error) {
		jobs, err = s.SyncJobs(ctx)
		return err
	})
	return jobs, err
}

// LastSyncs returns the newest run of each sync job of names that has
// one; none when there is no state database yet.
func (a *App) LastSyncs(ctx context.Context, names []string) (map[string]state.Run, error) {
	out := map[string]state.Run{}
	err := a.readStore(func(s *state.Store) error {
		for _, name := range names {
			runs, _, err := s.QueryRuns(ctx, state.RunQuery{Kind: state.KindSheets, Job: name, Limit: 1})
			if err != nil {
				return err
			}
			if len(runs) > 0 {
				out[name] = runs[0]
			}
		}
		return nil
	})
	return out, err
}
