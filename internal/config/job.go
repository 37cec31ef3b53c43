package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// DefaultJob is the job the .env file and the environment define.
const DefaultJob = dbbackup.DefaultJob

// jobName is what a job may be called: it names files, locks and cron
// lines, so it stays plain.
var jobName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)

// CheckJobName reports what is wrong with name as the name of a new job.
func CheckJobName(name string) error {
	return checkName(name, "job", "default is the job of the .env file",
		"change the default job's settings in .env; give a new job another name", "shop, crm-eu")
}

// checkName reports what is wrong with name as the name of a new job of
// the kind noun ("job", "sync job"): default is the .env's (isDefault,
// hint), and a name is plain (examples).
func checkName(name, noun, isDefault, hint, examples string) error {
	switch {
	case name == DefaultJob:
		return &dbbackup.ConfigError{Var: "NAME", Problem: isDefault, Hint: hint}
	case !jobName.MatchString(name):
		return &dbbackup.ConfigError{Var: "NAME", Problem: fmt.Sprintf("%q is not a %s name", name, noun),
			Hint: "use up to 40 lower-case letters, digits, - and _, starting with a letter: " + examples}
	}
	return nil
}

// JobSetting is a setting a stored job may give itself: its stable key
// (the .env variable, the name errors and the web forms use) and the flag
// of `dbbackup job add` and `job edit`.
type JobSetting struct {
	Key, Flag, Usage string
	// Secret settings are sealed in the state database and masked when
	// jobs are exported.
	Secret bool
}

// JobSettings are the settings a job may set; every other one (Google
// client and token, STATE_DIR, logging) is the installation's, from .env.
var JobSettings = []JobSetting{
	{"DATABASE_URL", "database-url", "the database: postgres://user:password@host:5432/dbname (- reads it from stdin)", true},
	{"BACKUP_FORMATS", "formats", "formats to write: csv,xlsx,json,dump", false},
	{"BACKUP_SCHEMAS", "schemas", "back up only these schemas (comma-separated)", false},
	{"BACKUP_TABLES", "tables", "back up only these tables: schema.table, * matches anything", false},
	{"BACKUP_EXCLUDE_TABLES", "exclude-tables", "leave these tables out: schema.table, * matches anything", false},
	{"BACKUP_DIR", "dir", "local folder for the backups (and staging)", false},
	{"DRIVE_BACKUP_FOLDER_ID", "drive-folder", "Google Drive folder id; empty: local folder only", false},
	{"BACKUP_KEEP_LOCAL", "keep-local", "keep a local copy beside Google Drive: true or false", false},
	{"BACKUP_NAME_PREFIX", "prefix", "first part of file names (default: the job's name)", false},
	{"BACKUP_NAME_TIMEZONE", "timezone", "time zone of file names: an IANA name or Local", false},
	{"BACKUP_SCHEDULE", "schedule", "when to run, five cron fields or @daily, after an optional CRON_TZ=Zone (default \"0 2 * * *\")", false},
	{"BACKUP_CATCH_UP", "catch-up", "serve runs a scheduled run missed while it was down at its start: true or false", false},
	{"BACKUP_TIMEOUT", "timeout", "the longest a run may take, e.g. 6h", false},
	{"BACKUP_RETENTION_DAYS", "retention-days", "delete sets older than this many days (0: keep all)", false},
	{"BACKUP_RETENTION_MIN_KEEP", "min-keep", "always keep this many newest complete sets", false},
	{"BACKUP_RETENTION_TRASH", "trash", "move expired Drive files to the trash: true or false", false},
	{"BACKUP_VERIFY", "verify", "prove sets restorable by restoring them into a throwaway database: weekly, after-run or never", false},
	{"VERIFY_DATABASE_URL", "verify-database-url", "server and role that make the restore test's throwaway database; default: DATABASE_URL's (- reads it from stdin)", true},
	{"EMAIL_TO", "email-to", "report recipients, comma-separated", false},
	{"EMAIL_ON", "email-on", "when to email: always, failure or never", false},
	{"EMAIL_FROM", "email-from", "sender of the report", false},
	{"SMTP_HOST", "smtp-host", "SMTP server", false},
	{"SMTP_PORT", "smtp-port", "SMTP port", false},
	{"SMTP_USERNAME", "smtp-username", "SMTP user", false},
	{"SMTP_PASSWORD", "smtp-password", "SMTP password (- reads it from stdin)", true},
	{"SMTP_TLS", "smtp-tls", "none, starttls or tls", false},
	{"PG_DUMP", "pg-dump", "the pg_dump to use", false},
	{"BACKUP_DUMP_COMPRESSION", "dump-compression", "pg_dump's compression: a gzip level 0-9, lz4, zstd, lz4:N or zstd:N (pg_dump 16+); default gzip level 6", false},
	{"BACKUP_ENCRYPT_RECIPIENTS", "encrypt-recipients", "encrypt every file but the manifest to these public keys (comma-separated age1… or ssh-ed25519 …)", false},
	{"BACKUP_COMPRESS", "compress", "compress csv and json files: zstd or none", false},
	{"BACKUP_VERIFY_IDENTITY", "verify-identity", "private key file that opens encrypted sets for verify --restore", false},
}

// JobSettingOf returns the job setting with this key.
func JobSettingOf(key string) (JobSetting, bool) {
	for _, s := range JobSettings {
		if s.Key == key {
			return s, true
		}
	}
	return JobSetting{}, false
}

// LoadJob reads the settings of job name: values (its stored settings,
// keyed as in .env) over the environment over envFile. It is the one
// validator of a job's settings, for .env, the job commands and web
// forms alike: every problem is a *dbbackup.ConfigError naming the key.
// For DefaultJob, values must be empty.
func LoadJob(envFile string, explicit bool, name string, values map[string]string) (*Config, error) {
	return loadJob(envFile, explicit, osEnv{}, name, values)
}

func loadJob(envFile string, explicit bool, e env, name string, values map[string]string) (*Config, error) {
	if unknown := unknownKeys(values); len(unknown) > 0 {
		return nil, unknown[0]
	}
	if err := needsDatabase(name, values); err != nil {
		return nil, err
	}
	return load(envFile, explicit, jobEnv{e, values, name != DefaultJob}, name)
}

// unknownKeys are the keys of values that are no setting a job can have.
func unknownKeys(values map[string]string) Problems {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out Problems
	for _, k := range keys {
		if _, ok := JobSettingOf(k); !ok {
			out = append(out, &dbbackup.ConfigError{Var: k, Problem: "is not a setting a job can have",
				Hint: "a job sets " + jobKeys() + "; the others are the installation's, in .env"})
		}
	}
	return out
}

// needsDatabase refuses a stored job without a database of its own: the
// .env's DATABASE_URL is the job default's. The hint fits the command
// line and the web form alike, for a job that may not exist yet.
func needsDatabase(name string, values map[string]string) error {
	if name != DefaultJob && strings.TrimSpace(values["DATABASE_URL"]) == "" {
		return &dbbackup.ConfigError{Var: "DATABASE_URL", Problem: "a job needs a database of its own",
			Hint: "give the connection string of the database to back up, postgres://user:password@host:5432/dbname (the .env's DATABASE_URL is the job default's)"}
	}
	return nil
}

// jobEnv is the environment with a job's own settings over it.
type jobEnv struct {
	env
	values map[string]string
	stored bool // a stored job: its own settings only (ownSettings)
}

// ownSettings are what a stored job never takes from .env: its sets
// must be named apart from every other job's.
var ownSettings = map[string]bool{"BACKUP_NAME_PREFIX": true}

func (j jobEnv) LookupEnv(k string) (string, bool) {
	if v, ok := j.values[k]; ok || (j.stored && ownSettings[k]) {
		return v, true // "" for an own setting unset: its default, never the .env's
	}
	return j.env.LookupEnv(k)
}

func jobKeys() string {
	keys := make([]string, len(JobSettings))
	for i, s := range JobSettings {
		keys[i] = s.Key
	}
	return strings.Join(keys, ", ")
}
