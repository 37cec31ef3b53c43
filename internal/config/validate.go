package config

import (
	"errors"
	"maps"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// Problems are every problem found in a job's settings, each naming its
// setting, so that a form can show them all at once instead of one a
// submit. As an error it reads as the list; errors.As finds each.
type Problems []*dbbackup.ConfigError

func (p Problems) Error() string {
	s := make([]string, len(p))
	for i, ce := range p {
		s[i] = ce.Error()
	}
	return strings.Join(s, "; ")
}

// Unwrap gives the problems to errors.As and errors.Is: Explain takes the
// first one's hint and exit code.
func (p Problems) Unwrap() []error {
	out := make([]error, len(p))
	for i, ce := range p {
		out[i] = ce
	}
	return out
}

// ValidateJob checks values as the settings of job name with the checks
// of LoadJob, the one validator, and reports every problem instead of the
// first: each value LoadJob refuses is set aside (the job then reads the
// setting's default, never the .env's) and the rest read again, at most
// once for each value. It returns the settings when there is no problem,
// else Problems, in the order LoadJob meets them; a problem that names no
// value of the job (a bad .env) ends the search, as does any other error
// (returned as it is after the problems found before it).
func ValidateJob(envFile string, explicit bool, name string, values map[string]string) (*Config, error) {
	return validateJob(envFile, explicit, osEnv{}, name, values)
}

func validateJob(envFile string, explicit bool, e env, name string, values map[string]string) (*Config, error) {
	found := unknownKeys(values)
	rest := maps.Clone(values)
	for _, ce := range found {
		delete(rest, ce.Var)
	}
	if err := needsDatabase(name, rest); err != nil {
		found = append(found, err.(*dbbackup.ConfigError))
	}
	for range len(rest) + 1 {
		cfg, err := load(envFile, explicit, jobEnv{e, rest, name != DefaultJob}, name)
		var ce *dbbackup.ConfigError
		switch {
		case err == nil && len(found) == 0:
			return cfg, nil
		case err == nil:
			return nil, found
		case !errors.As(err, &ce):
			if len(found) > 0 {
				return nil, errors.Join(found, err)
			}
			return nil, err
		}
		found = append(found, ce)
		if rest[ce.Var] == "" {
			return nil, found // not the job's own value: setting it aside changes nothing
		}
		rest[ce.Var] = ""
	}
	return nil, found
}
