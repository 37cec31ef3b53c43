package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/secret"
	"github.com/dbbackup/dbbackup/internal/state"
)

// JobNames lists the jobs of the installation: default (the .env's) first,
// then the stored ones by name.
func (a *App) JobNames(ctx context.Context) ([]string, error) {
	stored, _, err := a.storedJobs(ctx)
	if err != nil {
		return nil, err
	}
	names := []string{config.DefaultJob}
	for _, j := range stored {
		names = append(names, j.Name)
	}
	return names, nil
}

// LoadJob reads the settings of the job name (config.DefaultJob: .env and
// the environment) with overrides, keyed as in .env, over them: one-off
// settings of a single run, which change nothing stored.
func (a *App) LoadJob(ctx context.Context, name string, overrides map[string]string) (*config.Config, error) {
	values := map[string]string{}
	if name != config.DefaultJob {
		j, inst, err := a.storedJob(ctx, name)
		if err != nil {
			return nil, err
		}
		if values, err = openSecrets(j, inst); err != nil {
			return nil, err
		}
	}
	for k, v := range overrides {
		values[k] = v
	}
	if name == config.DefaultJob && len(values) == 0 {
		return a.Load()
	}
	cfg, err := config.LoadJob(a.envFile(), a.Explicit, name, values)
	if err == nil && len(overrides) > 0 {
		for k := range overrides {
			cfg.OneOff = append(cfg.OneOff, k)
		}
		sort.Strings(cfg.OneOff)
	}
	return cfg, err
}

// NoJobError is a job asked for by name that does not exist: a command
// line to correct (exit code 2). A run of it is not recorded: there is no
// such job to record it for.
type NoJobError struct{ Name string }

func (e *NoJobError) Error() string { return fmt.Sprintf("there is no job %q", e.Name) }

// Hint says where the jobs are.
func (e *NoJobError) Hint() string {
	if e.Name == config.DefaultJob {
		return "the job default is the .env file: change its settings there"
	}
	return "`dbbackup jobs` lists the jobs; `dbbackup job add NAME --database-url …` makes one " +
		"(a removed job's backups are reached again by adding it back with the same name)"
}

// ExitCode is ExitConfig: the name is wrong, not the backup.
func (e *NoJobError) ExitCode() int { return dbbackup.ExitConfig }

func noJob(name string) error { return &NoJobError{name} }

// storedJob reads one stored job, as sealed.
func (a *App) storedJob(ctx context.Context, name string) (state.Job, *config.Installation, error) {
	inst, err := config.LoadInstallation(a.envFile(), a.Explicit)
	if err != nil {
		return state.Job{}, nil, err
	}
	s, err := OpenStoreIfAny(inst.StateDir)
	if err != nil || s == nil {
		return state.Job{}, nil, errors.Join(err, noJob(name))
	}
	defer s.Close()
	j, ok, err := s.Job(ctx, name)
	if err == nil && !ok {
		err = noJob(name)
	}
	return j, inst, err
}

// storedJobs reads every stored job, as sealed, and the installation's
// settings that open them; no job when there is no state file yet
// (reading creates nothing).
func (a *App) storedJobs(ctx context.Context) ([]state.Job, *config.Installation, error) {
	inst, err := config.LoadInstallation(a.envFile(), a.Explicit)
	if err != nil {
		return nil, nil, err
	}
	s, err := OpenStoreIfAny(inst.StateDir)
	if err != nil || s == nil {
		return nil, inst, err
	}
	defer s.Close()
	jobs, err := s.Jobs(ctx)
	return jobs, inst, err
}

// OpenStoreIfAny opens the state database in dir, or returns nil when
// there is none yet.
func OpenStoreIfAny(dir string) (*state.Store, error) {
	if _, err := os.Stat(filepath.Join(dir, state.FileName)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return state.Open(dir)
}

// openSecrets returns a stored job's settings with its secrets opened.
func openSecrets(j state.Job, inst *config.Installation) (map[string]string, error) {
	values := make(map[string]string, len(j.Settings))
	var key *secret.Key
	for k, v := range j.Settings {
		if secret.IsSealed(v) {
			if key == nil {
				var err error
				if key, err = secret.ParseKey(inst.SecretKey); err != nil {
					return nil, fmt.Errorf("job %s keeps %s sealed: %w", j.Name, k, err)
				}
			}
			opened, err := key.Open(v, sealContext(j.Name, k))
			if err != nil {
				return nil, err
			}
			v = opened
		}
		values[k] = v
	}
	return values, nil
}

// sealContext binds a sealed value to its job and setting.
func sealContext(job, key string) string { return job + "/" + key }

// HoldsSecret reports whether the value of setting key is a secret, to be
// sealed when stored: a connection string that holds a password, any SMTP
// password.
func HoldsSecret(key, value string) bool {
	if !isSecretKey(key) || value == "" {
		return false
	}
	if key == "DATABASE_URL" {
		return passwordIn(value)
	}
	return true
}

// jobPrefix is the prefix the sets of a job's settings are named with.
func jobPrefix(name string, values map[string]string) string {
	if p := values["BACKUP_NAME_PREFIX"]; p != "" {
		return p
	}
	if name == config.DefaultJob {
		return dbbackup.DefaultPrefix
	}
	return name
}
