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
	"strconv"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/joho/godotenv"
)

// DefaultEnvFile is read from the working directory when it exists.
const DefaultEnvFile = ".env"

// Config is every setting, parsed and checked.
type Config struct {
	// EnvFile is the .env file that was read, "" when there was none.
	EnvFile string
	// DatabaseURL is DATABASE_URL; empty means libpq's PG* variables.
	DatabaseURL string
	BackupDir   string
	Formats     []dbbackup.Format
	Scope       dbbackup.Scope
	// NameLocation is the time zone of set names (BACKUP_NAME_TIMEZONE).
	NameLocation *time.Location
	PgDump       string
	LogFormat    string // "text" or "json"
	LogLevel     slog.Level
	Google       Google
	Retention    dbbackup.Policy // BACKUP_RETENTION_DAYS (0: keep forever), BACKUP_RETENTION_MIN_KEEP
	TrashExpired bool            // BACKUP_RETENTION_TRASH: move expired Drive files to the trash
	StateDir     string          // STATE_DIR: run history
	Timeout      time.Duration   // BACKUP_TIMEOUT: the longest a run may take
	Email        Email
}

// Email is the report's SMTP configuration.
type Email struct {
	Host     string   // SMTP_HOST
	Port     int      // SMTP_PORT
	Username string   // SMTP_USERNAME
	Password string   // SMTP_PASSWORD
	TLS      string   // SMTP_TLS: "", "none", "starttls" or "tls"
	From     string   // EMAIL_FROM
	To       []string // EMAIL_TO; empty: no email
	On       string   // EMAIL_ON: always, failure or never
}

// Google is the Google Drive and OAuth configuration.
type Google struct {
	CredentialsFile string   // GOOGLE_CREDENTIALS_FILE: the OAuth client (credentials.json)
	TokenFile       string   // GOOGLE_TOKEN_FILE: the authorized user's refresh token
	Scopes          []string // GOOGLE_SCOPES
	FolderID        string   // DRIVE_BACKUP_FOLDER_ID; empty: no Drive, backups stay local
	APIEndpoint     string   // GOOGLE_API_ENDPOINT; empty: Google's
	ChunkSize       int      // BACKUP_UPLOAD_CHUNK_MB, in bytes
	KeepLocal       bool     // BACKUP_KEEP_LOCAL: keep local copies after a verified upload
}

// DriveEnabled reports whether backups go to Google Drive.
func (c *Config) DriveEnabled() bool { return c.Google.FolderID != "" }

// Load reads envFile into the environment, without overriding variables
// that are already set (libpq's PG* variables then work from .env too),
// and parses the environment. A missing envFile is an error only when
// explicit (--env-file was given).
func Load(envFile string, explicit bool) (*Config, error) {
	return load(envFile, explicit, osEnv{})
}

// env is the process environment, replaceable in tests.
type env interface {
	LookupEnv(string) (string, bool)
	Setenv(string, string) error
}

type osEnv struct{}

func (osEnv) LookupEnv(k string) (string, bool) { return os.LookupEnv(k) }
func (osEnv) Setenv(k, v string) error          { return os.Setenv(k, v) }

func load(envFile string, explicit bool, e env) (*Config, error) {
	vars, err := godotenv.Read(envFile)
	c := &Config{EnvFile: envFile}
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		c.EnvFile = ""
	case errors.Is(err, fs.ErrNotExist):
		return nil, &dbbackup.ConfigError{Var: envFile, Problem: "the env file does not exist",
			Hint: "check the --env-file path, or leave it out to read .env from the working directory"}
	case err != nil:
		return nil, &dbbackup.ConfigError{Var: envFile, Problem: "cannot read the env file: " + plainError(err),
			Hint: "make it a readable text file of NAME=value lines (see the README)"}
	}
	for k, v := range vars {
		if _, set := e.LookupEnv(k); !set {
			e.Setenv(k, v)
		}
	}
	return c, c.parse(func(k string) string { v, _ := e.LookupEnv(k); return v })
}

// plainError drops the Go error chain's file path prefix noise.
func plainError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (c *Config) parse(get func(string) string) error {
	v := withDefaults(get)
	c.DatabaseURL = v("DATABASE_URL", "")
	c.BackupDir = v("BACKUP_DIR", "./backups")
	c.PgDump = v("PG_DUMP", "")
	var err error
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

func parseLocation(name string) (*time.Location, error) {
	if strings.EqualFold(name, "local") {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: "BACKUP_NAME_TIMEZONE", Problem: fmt.Sprintf("unknown time zone %q", name),
			Hint: "use an IANA name such as Europe/Moscow or UTC, or Local for the machine's zone"}
	}
	return loc, nil
}

// list splits a comma-separated value, dropping empty items.
func list(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// DefaultScope reaches every file of the user's Drive, so that a folder
// made in the Drive web interface can be used; drive.file reaches only
// the files the app made.
const DefaultScope = "https://www.googleapis.com/auth/drive"

func (c *Config) parseGoogle(v func(name, def string) string) error {
	g := &c.Google
	g.CredentialsFile = v("GOOGLE_CREDENTIALS_FILE", "credentials.json")
	g.TokenFile = v("GOOGLE_TOKEN_FILE", "token.json")
	g.Scopes = list(v("GOOGLE_SCOPES", DefaultScope))
	for _, s := range g.Scopes {
		if !strings.HasPrefix(s, "https://") {
			return &dbbackup.ConfigError{Var: "GOOGLE_SCOPES", Problem: fmt.Sprintf("%q is not a scope URL", s),
				Hint: "use " + DefaultScope + " (or …/auth/drive.file), comma-separated"}
		}
	}
	g.FolderID = v("DRIVE_BACKUP_FOLDER_ID", "")
	if strings.ContainsAny(g.FolderID, "/?' ") {
		return &dbbackup.ConfigError{Var: "DRIVE_BACKUP_FOLDER_ID", Problem: fmt.Sprintf("%q is not a folder id", g.FolderID),
			Hint: "use only the id, the last part of the folder's address: https://drive.google.com/drive/folders/<id>"}
	}
	g.APIEndpoint = v("GOOGLE_API_ENDPOINT", "")
	if g.APIEndpoint != "" && !strings.HasPrefix(g.APIEndpoint, "http://") && !strings.HasPrefix(g.APIEndpoint, "https://") {
		return &dbbackup.ConfigError{Var: "GOOGLE_API_ENDPOINT", Problem: fmt.Sprintf("%q is not an http(s) URL", g.APIEndpoint),
			Hint: "leave it empty for Google, or give the API root, e.g. http://127.0.0.1:8080/"}
	}
	mb, err := number("BACKUP_UPLOAD_CHUNK_MB", v("BACKUP_UPLOAD_CHUNK_MB", "16"), 1, 1024)
	if err != nil {
		return err
	}
	g.ChunkSize = mb << 20
	g.KeepLocal, err = boolean("BACKUP_KEEP_LOCAL", v("BACKUP_KEEP_LOCAL", "false"))
	return err
}

// number parses a whole number in [min, max].
func number(name, s string, min, max int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, &dbbackup.ConfigError{Var: name, Problem: fmt.Sprintf("%q is not a whole number from %d to %d", s, min, max),
			Hint: fmt.Sprintf("set %s to a number from %d to %d, or remove it for the default", name, min, max)}
	}
	return n, nil
}

func boolean(name, s string) (bool, error) {
	b, err := strconv.ParseBool(strings.ToLower(s))
	if err != nil {
		return false, &dbbackup.ConfigError{Var: name, Problem: fmt.Sprintf("%q is not true or false", s), Hint: "use true or false"}
	}
	return b, nil
}

func (c *Config) parseRun(v func(name, def string) string) error {
	var err error
	if c.Retention.Days, err = number("BACKUP_RETENTION_DAYS", v("BACKUP_RETENTION_DAYS", "30"), 0, 100000); err != nil {
		return err
	}
	if c.Retention.MinKeep, err = number("BACKUP_RETENTION_MIN_KEEP", v("BACKUP_RETENTION_MIN_KEEP", "3"), 1, 100000); err != nil {
		return err
	}
	if c.TrashExpired, err = boolean("BACKUP_RETENTION_TRASH", v("BACKUP_RETENTION_TRASH", "false")); err != nil {
		return err
	}
	c.StateDir = v("STATE_DIR", "./data")
	timeout := v("BACKUP_TIMEOUT", "6h")
	if c.Timeout, err = time.ParseDuration(timeout); err != nil || c.Timeout <= 0 {
		return &dbbackup.ConfigError{Var: "BACKUP_TIMEOUT", Problem: fmt.Sprintf("%q is not a positive duration", timeout),
			Hint: "write a duration such as 6h, 90m or 45m30s"}
	}
	return parseEmail(v, &c.Email)
}

// LoadEmail reads only the report's settings, for reporting a run whose
// other settings are wrong. The env file was read by Load already.
func LoadEmail() (*Email, error) {
	e := &Email{}
	return e, parseEmail(withDefaults(os.Getenv), e)
}

// withDefaults reads a variable, trimmed, or def when it is empty or unset.
func withDefaults(get func(string) string) func(name, def string) string {
	return func(name, def string) string {
		if s := strings.TrimSpace(get(name)); s != "" {
			return s
		}
		return def
	}
}

func parseEmail(v func(name, def string) string, e *Email) error {
	var err error
	e.Host = v("SMTP_HOST", "localhost")
	if e.Port, err = number("SMTP_PORT", v("SMTP_PORT", "25"), 1, 65535); err != nil {
		return err
	}
	e.Username, e.Password = v("SMTP_USERNAME", ""), v("SMTP_PASSWORD", "")
	e.TLS = strings.ToLower(v("SMTP_TLS", ""))
	if e.TLS != "" && e.TLS != "none" && e.TLS != "starttls" && e.TLS != "tls" {
		return &dbbackup.ConfigError{Var: "SMTP_TLS", Problem: fmt.Sprintf("unknown mode %q", e.TLS),
			Hint: "use none, starttls or tls, or leave it empty to use STARTTLS when the server offers it"}
	}
	e.To = list(v("EMAIL_TO", ""))
	for _, addr := range e.To {
		if !strings.Contains(addr, "@") {
			return &dbbackup.ConfigError{Var: "EMAIL_TO", Problem: fmt.Sprintf("%q is not an email address", addr),
				Hint: "list addresses separated by commas: admin@example.com,dba@example.com"}
		}
	}
	host, _ := os.Hostname()
	e.From = v("EMAIL_FROM", "dbbackup@"+or(host, "localhost"))
	if e.On = strings.ToLower(v("EMAIL_ON", "always")); e.On != "always" && e.On != "failure" && e.On != "never" {
		return &dbbackup.ConfigError{Var: "EMAIL_ON", Problem: fmt.Sprintf("unknown value %q", e.On), Hint: "use always, failure or never"}
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
