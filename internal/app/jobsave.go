package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/postgres"
	"github.com/dbbackup/dbbackup/internal/secret"
	"github.com/dbbackup/dbbackup/internal/state"
)

// Save is how SaveJob treats a job that exists or does not.
type Save int

const (
	// AddJob makes a new job; a job of that name is an error.
	AddJob Save = iota
	// EditJob changes the settings given of a job that exists; a value
	// "" removes the setting, so the job takes the .env's again.
	EditJob
	// ReplaceJob stores the job with exactly these settings, new or not.
	ReplaceJob
)

// SaveJob checks and stores the settings of the job name: the one
// validator (config.LoadJob) checks them as a run would read them, the
// job's prefix must be its own, and its secrets are sealed with
// DBBACKUP_SECRET_KEY, which must be set when there is a secret to keep.
// Nothing is stored when anything is wrong.
func (a *App) SaveJob(ctx context.Context, name string, values map[string]string, how Save) error {
	return a.saveJobs(ctx, []jobValues{{name, values}}, how)
}

type jobValues struct {
	name   string
	values map[string]string
}

// saveJobs checks every job before it stores any, and creates the state
// database only to store them.
func (a *App) saveJobs(ctx context.Context, jobs []jobValues, how Save) error {
	stored, inst, err := a.storedJobs(ctx)
	if err != nil {
		return err
	}
	byName := map[string]state.Job{}
	for _, j := range stored {
		byName[j.Name] = j
	}
	var key *secret.Key
	var out []state.Job
	for _, jv := range jobs {
		old, exists := byName[jv.name]
		// Every problem of the job at once, so that a form shows them all.
		var problems config.Problems
		checked := jv.name // the name the values are read under
		switch {
		case how == AddJob && exists:
			problems = append(problems, &dbbackup.ConfigError{Var: "NAME", Problem: fmt.Sprintf("a job %s exists already", jv.name),
				Hint: "change that job instead, or choose another name"})
		case how == EditJob && !exists:
			return noJob(jv.name)
		}
		if !exists {
			if err := config.CheckJobName(jv.name); err != nil {
				problems = append(problems, err.(*dbbackup.ConfigError))
				checked = "job" // a name that is one: the default prefix is the name
			}
		}
		values := map[string]string{}
		if how == EditJob {
			if values, err = openSecrets(old, inst); err != nil {
				return err
			}
		}
		for _, k := range slices.Sorted(maps.Keys(jv.values)) {
			v := jv.values[k]
			if v == "" && how == EditJob {
				delete(values, k)
				continue
			}
			if how != ReplaceJob && strings.Contains(v, Masked) && isSecretKey(k) {
				problems = append(problems, &dbbackup.ConfigError{Var: k, Problem: "holds " + Masked + ", the mask `dbbackup job export` writes in place of a password",
					Hint: "give the real password (--" + flagOf(k) + " - reads it from stdin), or leave the setting out to keep the stored one"})
			}
			values[k] = v
		}
		cfg, err := config.ValidateJob(a.envFile(), a.Explicit, checked, values)
		if err == nil {
			_, err = DatabaseName(cfg) // a connection string the run could not use
		}
		var more config.Problems
		var ce *dbbackup.ConfigError
		switch {
		case errors.As(err, &more):
			problems = append(problems, more...)
		case errors.As(err, &ce):
			problems = append(problems, ce)
		case err != nil:
			return fmt.Errorf("job %s: %w", jv.name, err)
		}
		switch len(problems) {
		case 0:
		case 1:
			return fmt.Errorf("job %s: %w", jv.name, problems[0])
		default:
			return fmt.Errorf("job %s: %w", jv.name, problems)
		}
		byName[jv.name] = state.Job{Name: jv.name, Settings: values} // for the prefix check
		sealed := map[string]string{}
		for k, v := range values {
			if HoldsSecret(k, v) {
				if key == nil {
					if key, err = secret.ParseKey(inst.SecretKey); err != nil {
						return fmt.Errorf("job %s: %s holds a secret, which is kept sealed: %w", jv.name, k, err)
					}
				}
				v = key.Seal(v, sealContext(jv.name, k))
			}
			sealed[k] = v
		}
		out = append(out, state.Job{Name: jv.name, Settings: sealed})
	}
	if err := a.prefixesDiffer(byName); err != nil {
		return err
	}
	return writeStore(inst.StateDir, func(s *state.Store) error { return s.PutJob(ctx, out...) })
}

// writeStore calls write with the state database in dir, made when there
// is none yet.
func writeStore(dir string, write func(*state.Store) error) error {
	if err := UsableDir("STATE_DIR", dir, true); err != nil {
		return err
	}
	s, err := state.Open(dir)
	if err != nil {
		return err
	}
	defer s.Close()
	return write(s)
}

// prefixesDiffer refuses two jobs whose sets would be named alike: in a
// shared folder their files could not be told apart by name.
func (a *App) prefixesDiffer(jobs map[string]state.Job) error {
	base := map[string]string{}
	if cfg, err := a.Load(); err == nil {
		base["BACKUP_NAME_PREFIX"] = cfg.Prefix
	}
	owner := map[string]string{dbbackup.DefaultPrefix: config.DefaultJob}
	if p := base["BACKUP_NAME_PREFIX"]; p != "" {
		owner = map[string]string{p: config.DefaultJob}
	}
	names := make([]string, 0, len(jobs))
	for n := range jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := jobPrefix(n, jobs[n].Settings)
		if o, taken := owner[p]; taken {
			return &dbbackup.ConfigError{Var: "BACKUP_NAME_PREFIX", Problem: fmt.Sprintf("job %s would name its sets %s_…, as job %s does", n, p, o),
				Hint: fmt.Sprintf("give job %s a prefix of its own: --prefix %s", n, n)}
		}
		owner[p] = n
	}
	return nil
}

// RemoveJob deletes a stored job. Its backups stay where they are.
func (a *App) RemoveJob(ctx context.Context, name string) error {
	if name == config.DefaultJob {
		return config.CheckJobName(name)
	}
	return a.removeStored(ctx, name, (*state.Store).RemoveJob, noJob)
}

// removeStored deletes name with remove (a job or a sync job), or says
// that there is none (notFound), also when there is no state database.
func (a *App) removeStored(ctx context.Context, name string, remove func(*state.Store, context.Context, string) (bool, error),
	notFound func(string) error) error {
	found := false
	err := a.readStore(func(s *state.Store) (err error) {
		found, err = remove(s, ctx, name)
		return err
	})
	if err == nil && !found {
		err = notFound(name)
	}
	return err
}

// readStore calls read with the state database, unless there is none yet
// (reading creates nothing).
func (a *App) readStore(read func(*state.Store) error) error {
	inst, err := config.LoadInstallation(a.envFile(), a.Explicit)
	if err != nil {
		return err
	}
	s, err := OpenStoreIfAny(inst.StateDir)
	if err != nil || s == nil {
		return err
	}
	defer s.Close()
	return read(s)
}

// passwordIn reports whether a connection string holds a password; one
// that cannot be read is taken to hold one.
func passwordIn(conn string) bool {
	l, err := postgres.LibpqEnv(conn)
	return err != nil || l.PasswordInString
}

// isSecretKey reports whether setting key may hold a secret.
func isSecretKey(key string) bool {
	s, ok := config.JobSettingOf(key)
	return ok && s.Secret
}
