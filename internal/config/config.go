// Package config reads the program's settings from a .env file and the
// environment (the environment wins) and validates them once. Every
// problem is a *dbbackup.ConfigError that names the variable or file.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/export/dump"
)

// DefaultEnvFile is read from the working directory when it exists.
const DefaultEnvFile = ".env"

// Config is every setting, parsed and checked.
type Config struct {
	// Job is the job these settings are of: DefaultJob for .env's.
	Job string
	// Prefix starts the name of every file of the job's sets
	// (BACKUP_NAME_PREFIX: backup for the default job, else its name).
	Prefix string
	// Schedule is when the job runs, in cron's five fields
	// (BACKUP_SCHEDULE), for `dbbackup cron` and the server.
	Schedule string
	// CatchUp: the server makes a scheduled run that was missed while it
	// was down at its start (BACKUP_CATCH_UP).
	CatchUp bool
	// OneOff names the settings given for one run alone, over the job's
	// (run --formats, --tables, …); nil for a regular run.
	OneOff []string
	// EnvFile is the .env file that was read, "" when there was none.
	EnvFile string
	// DatabaseURL is DATABASE_URL with the .env file's libpq variables
	// (PGHOST, PGUSER, …) folded in: pgx and pg_dump read the process's
	// own from the environment. Empty means libpq's PG* variables alone.
	DatabaseURL string
	// LibpqDefaults: neither DATABASE_URL nor any PG* variable is set, so
	// the connection is libpq's default (this OS user, the local socket).
	LibpqDefaults bool
	// Warnings are settings that look wrong but stop nothing, such as an
	// unknown BACKUP_* variable.
	Warnings []string
	// Settings are every setting read, in the order read, each with the
	// value in effect and where it came from (for the settings page);
	// the libpq variables that shape the connection come last.
	Settings  []Setting
	BackupDir string
	Formats   []dbbackup.Format
	Scope     dbbackup.Scope
	// NameLocation is the time zone of set names (BACKUP_NAME_TIMEZONE).
	NameLocation *time.Location
	PgDump       string
	// DumpCompression is pg_dump's -Z (BACKUP_DUMP_COMPRESSION): empty
	// is pg_dump's default.
	DumpCompression dump.Compression
	LogFormat       string // "text" or "json"
	LogLevel        slog.Level
	Google          Google
	Retention       dbbackup.Policy // BACKUP_RETENTION_DAYS (0: keep forever), BACKUP_RETENTION_MIN_KEEP
	TrashExpired    bool            // BACKUP_RETENTION_TRASH: move expired Drive files to the trash
	StateDir        string          // STATE_DIR: run history
	Timeout         time.Duration   // BACKUP_TIMEOUT: the longest a run may take
	Email           Email
	// EncryptRecipients are the public keys (BACKUP_ENCRYPT_RECIPIENTS,
	// checked by crypt.ParseRecipients) every file of a set but the
	// manifest is encrypted to; none: no encryption.
	EncryptRecipients []string
	// Compress is how csv and json files are compressed (BACKUP_COMPRESS):
	// dbbackup.CompressionZstd, or "" for none.
	Compress string
	// VerifyIdentity is the private key file that opens the job's
	// encrypted sets for verify --restore (BACKUP_VERIFY_IDENTITY), "" when
	// none: it was read once.
	VerifyIdentity string
	Verify         Verify // BACKUP_VERIFY, VERIFY_DATABASE_URL: restore tests
}

// DriveEnabled reports whether backups go to Google Drive.
func (c *Config) DriveEnabled() bool { return c.Google.FolderID != "" }

// Load reads envFile and the environment, which wins over the file, and
// parses them. It never changes the process environment: loading again
// after the file was edited gives the new values. A missing envFile is an
// error only when explicit (--env-file was given).
func Load(envFile string, explicit bool) (*Config, error) {
	return load(envFile, explicit, osEnv{}, DefaultJob)
}

// env is the process environment, replaceable in tests.
type env interface {
	LookupEnv(string) (string, bool)
	Names() []string
}

type osEnv struct{}

func (osEnv) LookupEnv(k string) (string, bool) { return os.LookupEnv(k) }
func (osEnv) Names() []string {
	var names []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	return names
}

func load(envFile string, explicit bool, e env, job string) (*Config, error) {
	file, err := readEnvFile(envFile, explicit)
	if err != nil {
		return nil, err
	}
	c := &Config{Job: job}
	if file != nil {
		c.EnvFile = envFile
	}
	get := lookup(e, file)
	read := map[string]bool{} // every setting parse asks for: the known names
	from := func(k string) Origin { return origin(e, file, k) }
	if err := c.parse(func(k string) string { read[k] = true; return get(k) }, from); err != nil {
		return c, err
	}
	pgVars := file
	if j, ok := e.(jobEnv); ok && j.values["DATABASE_URL"] != "" {
		// A job's own database: the .env's PG* variables are the default
		// job's, and its password must not travel to another server.
		pgVars = nil
	}
	c.DatabaseURL, c.LibpqDefaults = connString(c.DatabaseURL, pgVars, e)
	c.recordLibpq(e, pgVars)
	for _, k := range sheetsEnvKeys { // LoadSheets reads them
		read[k] = true
	}
	c.Warnings = unknownSettings(envFile, file, e.Names(), read)
	if w := exposedEnvFile(envFile, file); w != "" {
		c.Warnings = append(c.Warnings, w)
	}
	if w := exposedKeyFile(c.VerifyIdentity); w != "" {
		c.Warnings = append(c.Warnings, w)
	}
	return c, nil
}

// lookup reads a variable from the environment, else from the env file.
func lookup(e env, file map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := e.LookupEnv(k); ok {
			return v
		}
		return file[k]
	}
}

// plainError drops the Go error chain's file path prefix noise.
func plainError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (c *Config) parse(get func(string) string, from func(string) Origin) error {
	v := c.recording(withDefaults(get), get, from)
	c.DatabaseURL = v("DATABASE_URL", "")
	c.BackupDir = v("BACKUP_DIR", "./backups")
	c.PgDump = v("PG_DUMP", "")
	var err error
	if c.DumpCompression, err = dump.ParseCompression(v(dump.CompressionVar, "")); err != nil {
		return err
	}
	if c.Formats, err = parseFormats(v("BACKUP_FORMATS", "csv,xlsx,json")); err != nil {
		return err
	}
	c.Scope.Schemas = list(v("BACKUP_SCHEMAS", ""))
	c.Scope.Tables = list(v("BACKUP_TABLES", ""))
	c.Scope.Exclude = list(v("BACKUP_EXCLUDE_TABLES", ""))
	for _, vp := range []struct {
		name     string
		patterns []string
	}{{"BACKUP_TABLES", c.Scope.Tables}, {"BACKUP_EXCLUDE_TABLES", c.Scope.Exclude}} {
		name := vp.name
		for _, p := range vp.patterns {
			if !strings.Contains(p, ".") {
				return &dbbackup.ConfigError{Var: name, Problem: fmt.Sprintf("%q is not schema-qualified", p),
					Hint: fmt.Sprintf("write schema.table, e.g. public.%s (* matches anything: public.*)", p)}
			}
		}
	}
	defaultPrefix := dbbackup.DefaultPrefix
	if c.Job != DefaultJob {
		defaultPrefix = c.Job
	}
	c.Prefix = v("BACKUP_NAME_PREFIX", defaultPrefix)
	if err := dbbackup.ValidPrefix(c.Prefix); err != nil {
		return err
	}
	c.Schedule = v("BACKUP_SCHEDULE", DefaultSchedule)
	if err := CheckSchedule(c.Schedule); err != nil {
		return &dbbackup.ConfigError{Var: "BACKUP_SCHEDULE", Problem: fmt.Sprintf("%q: %v", c.Schedule, err),
			Hint: "write five cron fields, minute hour day month weekday: \"0 2 * * *\" is every night at 02:00"}
	}
	if c.CatchUp, err = boolean("BACKUP_CATCH_UP", v("BACKUP_CATCH_UP", "true")); err != nil {
		return err
	}
	if c.NameLocation, err = parseLocation(v("BACKUP_NAME_TIMEZONE", "Local")); err != nil {
		return err
	}
	if c.LogFormat = strings.ToLower(v("LOG_FORMAT", "text")); c.LogFormat != "text" && c.LogFormat != "json" {
		return &dbbackup.ConfigError{Var: "LOG_FORMAT", Problem: fmt.Sprintf("unknown log format %q", c.LogFormat), Hint: "use text or json"}
	}
	if err := c.parseGoogle(v); err != nil {
		return err
	}
	if err := c.parseRun(v); err != nil {
		return err
	}
	if err := c.parseCrypt(v); err != nil {
		return err
	}
	if err := c.LogLevel.UnmarshalText([]byte(v("LOG_LEVEL", "info"))); err != nil {
		return &dbbackup.ConfigError{Var: "LOG_LEVEL", Problem: fmt.Sprintf("unknown log level %q", get("LOG_LEVEL")), Hint: "use debug, info, warn or error"}
	}
	return nil
}

func parseFormats(s string) ([]dbbackup.Format, error) {
	seen := map[dbbackup.Format]bool{}
	for _, item := range list(s) {
		f, err := dbbackup.ParseFormat(item)
		if err != nil {
			return nil, &dbbackup.ConfigError{Var: "BACKUP_FORMATS", Problem: err.Error(), Hint: "list formats separated by commas, e.g. csv,xlsx,json,dump"}
		}
		seen[f] = true
	}
	var formats []dbbackup.Format
	for _, f := range dbbackup.Formats { // a fixed order, whatever the list's
		if seen[f] {
			formats = append(formats, f)
		}
	}
	if len(formats) == 0 {
		return nil, &dbbackup.ConfigError{Var: "BACKUP_FORMATS", Problem: "no format is listed", Hint: "list at least one of csv, xlsx, json, dump"}
	}
	return formats, nil
}
