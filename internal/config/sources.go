package config

import (
	"slices"
	"sort"
	"strings"

	"github.com/dbbackup/dbbackup/internal/libpq"
)

// Origin is where the value of a setting came from.
type Origin string

// The origins of a setting, from the strongest: a stored job's own value,
// the environment, the .env file, the built-in default.
const (
	FromJob         Origin = "job"
	FromEnvironment Origin = "environment"
	FromEnvFile     Origin = ".env"
	FromDefault     Origin = "default"
)

// Setting is one setting as a job's settings were read: the value in
// effect (as given, trimmed, or the default) and where it came from.
// Value is never masked: show it through Secret.
type Setting struct {
	Key, Value string
	From       Origin
}

// Secret reports whether setting key may hold a secret, to be masked
// wherever it is shown: a connection string, a password, the key that
// seals the jobs' secrets.
func Secret(key string) bool {
	if s, ok := JobSettingOf(key); ok && s.Secret {
		return true
	}
	return slices.Contains(secretNames, key) || key == "PGSSLPASSWORD"
}

// origin is where e (over file) takes the value of k from; FromDefault
// when neither has it.
func origin(e env, file map[string]string, k string) Origin {
	if j, ok := e.(jobEnv); ok {
		if _, own := j.values[k]; own || (j.stored && ownSettings[k]) {
			return FromJob
		}
		e = j.env
	}
	if _, ok := e.LookupEnv(k); ok {
		return FromEnvironment
	}
	if _, ok := file[k]; ok {
		return FromEnvFile
	}
	return FromDefault
}

// recording wraps v (withDefaults over get) so that every setting read is
// kept in c.Settings with its origin; an empty value is the default's,
// whoever gave it.
func (c *Config) recording(v func(name, def string) string, get func(string) string, from func(string) Origin) func(name, def string) string {
	seen := map[string]bool{}
	return func(name, def string) string {
		val := v(name, def)
		if !seen[name] {
			seen[name] = true
			o := FromDefault
			if strings.TrimSpace(get(name)) != "" {
				o = from(name)
			}
			c.Settings = append(c.Settings, Setting{Key: name, Value: val, From: o})
		}
		return val
	}
}

// recordLibpq adds the libpq variables (PGHOST, …) that shape the
// connection: the environment's, which pgx and pg_dump read themselves,
// and those of file folded into DatabaseURL (nil when none are).
func (c *Config) recordLibpq(e env, file map[string]string) {
	if j, ok := e.(jobEnv); ok {
		e = j.env
	}
	names := make([]string, 0, len(libpq.Vars))
	for name := range libpq.Vars {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if v, ok := e.LookupEnv(name); ok && v != "" {
			c.Settings = append(c.Settings, Setting{Key: name, Value: v, From: FromEnvironment})
		} else if v := file[name]; v != "" {
			c.Settings = append(c.Settings, Setting{Key: name, Value: v, From: FromEnvFile})
		}
	}
}
