package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/secret"
	"github.com/dbbackup/dbbackup/internal/state"
)

// JobsFormat identifies the file `dbbackup job export` writes.
const JobsFormat = "dbbackup-jobs/1"

// Masked stands for a secret left out of an export.
const Masked = "********"

// JobsFile is the stored jobs as JSON, to keep in git: `job export`
// writes it, `job import` reads it.
type JobsFile struct {
	Format string        `json:"format"`
	Jobs   []ExportedJob `json:"jobs"`
	// Warnings say what an export could not do as asked (a secret masked
	// whole because DBBACKUP_SECRET_KEY cannot open it); not written.
	Warnings []string `json:"-"`
}

// ExportedJob is one job in a JobsFile: settings keyed as in .env.
type ExportedJob struct {
	Name     string            `json:"name"`
	Settings map[string]string `json:"settings"`
}

// ExportJobs returns every stored job; secrets are opened with
// withSecrets, masked otherwise: the password of a connection string is
// replaced by Masked (the whole value when DBBACKUP_SECRET_KEY is not set
// to open it), an SMTP password is Masked.
func (a *App) ExportJobs(ctx context.Context, withSecrets bool) (*JobsFile, error) {
	stored, inst, err := a.storedJobs(ctx)
	if err != nil {
		return nil, err
	}
	f := &JobsFile{Format: JobsFormat, Jobs: []ExportedJob{}}
	for _, j := range stored {
		values, err := openSecrets(j, inst)
		switch {
		case err != nil && withSecrets:
			return nil, err
		case err != nil:
			values = j.Settings // masked below, whole
			f.Warnings = append(f.Warnings, fmt.Sprintf("job %s: its secrets are masked whole (host and database too), as they cannot be opened: %v", j.Name, err))
		}
		if !withSecrets {
			for k, v := range values {
				if HoldsSecret(k, v) || secret.IsSealed(v) {
					values[k] = MaskSecret(k, v)
				}
			}
		}
		f.Jobs = append(f.Jobs, ExportedJob{Name: j.Name, Settings: values})
	}
	return f, nil
}

// passwordKV is the password keyword of a key=value connection string.
var passwordKV = regexp.MustCompile(`(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// MaskSecret replaces the password of a connection string by Masked;
// any other secret, or one it cannot read, becomes Masked whole.
func MaskSecret(key, v string) string {
	if key != "DATABASE_URL" || secret.IsSealed(v) {
		return Masked
	}
	if u, err := url.Parse(v); err == nil && u.User != nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "MASKED")
			return strings.Replace(u.String(), ":MASKED@", ":"+Masked+"@", 1)
		}
		return Masked
	}
	if passwordKV.MatchString(v) {
		return passwordKV.ReplaceAllString(v, "${1}"+Masked)
	}
	return Masked
}

// unmask puts the stored secret back where an export masked it: the whole
// value, or the password of a connection string whose other parts may
// have been edited.
func unmask(key, imported, stored string) (string, bool) {
	if imported == Masked {
		return stored, stored != ""
	}
	if key != "DATABASE_URL" || !strings.Contains(imported, Masked) {
		return imported, true
	}
	if u, err := url.Parse(strings.Replace(imported, ":"+Masked+"@", ":MASKED@", 1)); err == nil && u.User != nil {
		if p, _ := u.User.Password(); p == "MASKED" {
			s, err := url.Parse(stored)
			if err != nil || s.User == nil {
				return "", false
			}
			sp, has := s.User.Password()
			if !has {
				return "", false
			}
			u.User = url.UserPassword(u.User.Username(), sp)
			return u.String(), true
		}
	}
	if m := passwordKV.FindStringSubmatch(stored); m != nil && passwordKV.MatchString(imported) {
		return passwordKV.ReplaceAllLiteralString(imported, m[0]), true
	}
	return "", false
}

// ImportJobs stores the jobs of r (a JobsFile) with exactly its settings,
// adding the new ones and replacing those of the same name; stored jobs it
// does not name are kept. A masked secret keeps the stored one of the same
// job and setting. Nothing is stored unless every job is valid.
func (a *App) ImportJobs(ctx context.Context, r io.Reader) ([]string, error) {
	var f JobsFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, &dbbackup.ConfigError{Var: "FILE", Problem: "is not a jobs file: " + err.Error(),
			Hint: "import what `dbbackup job export` wrote"}
	}
	if f.Format != JobsFormat {
		return nil, &dbbackup.ConfigError{Var: "FILE", Problem: fmt.Sprintf("has format %q, not %s", f.Format, JobsFormat),
			Hint: "import what `dbbackup job export` wrote"}
	}
	stored, inst, err := a.storedJobs(ctx)
	if err != nil {
		return nil, err
	}
	var jobs []jobValues
	var names []string
	for _, j := range f.Jobs {
		values := map[string]string{}
		for k, v := range j.Settings {
			values[k] = v
		}
		for k, v := range values {
			if !strings.Contains(v, Masked) {
				continue
			}
			old, err := storedValues(stored, inst, j.Name)
			if err != nil {
				return nil, err
			}
			kept, ok := unmask(k, v, old[k])
			if !ok {
				return nil, &dbbackup.ConfigError{Var: k, Problem: fmt.Sprintf("of job %s is masked (exported without --with-secrets), and no stored job %s has a secret to keep in its place", j.Name, j.Name),
					Hint: "export with --with-secrets where the job is stored, or write the secret into the file; or leave " + k + " out of the file, import, and then set it with `dbbackup job edit " + j.Name + " --" + flagOf(k) + " -` (reads it from stdin)"}
			}
			values[k] = kept
		}
		jobs = append(jobs, jobValues{j.Name, values})
		names = append(names, j.Name)
	}
	return names, a.saveJobs(ctx, jobs, ReplaceJob)
}

// storedValues are the opened settings of the stored job name, none when
// there is no such job.
func storedValues(stored []state.Job, inst *config.Installation, name string) (map[string]string, error) {
	for _, j := range stored {
		if j.Name == name {
			return openSecrets(j, inst)
		}
	}
	return map[string]string{}, nil
}

func flagOf(key string) string {
	s, _ := config.JobSettingOf(key)
	return s.Flag
}
