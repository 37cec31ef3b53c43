package config

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
)

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

// defaultStateDir holds the run history when STATE_DIR is not set.
const defaultStateDir = "./data"

// parseRun reads retention, history, timeout and the report settings.
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
	c.StateDir = v("STATE_DIR", defaultStateDir)
	timeout := v("BACKUP_TIMEOUT", "6h")
	if c.Timeout, err = time.ParseDuration(timeout); err != nil || c.Timeout <= 0 {
		return &dbbackup.ConfigError{Var: "BACKUP_TIMEOUT", Problem: fmt.Sprintf("%q is not a positive duration", timeout),
			Hint: "write a duration such as 6h, 90m or 45m30s"}
	}
	if err := c.parseVerify(v); err != nil {
		return err
	}
	return parseEmail(v, &c.Email)
}

// LoadReport reads only what recording and reporting a failed run need
// (STATE_DIR and the report's settings), for a run whose other settings
// are wrong: a job's own settings (those it could still read) over the
// environment over envFile. When envFile cannot be read, the environment
// alone is used. stateDir is set even when the email settings are wrong.
func LoadReport(envFile string, explicit bool, job map[string]string) (e *Email, stateDir string, err error) {
	file, _ := readEnvFile(envFile, explicit)
	v := withDefaults(lookup(jobEnv{env: osEnv{}, values: job}, file))
	e = &Email{}
	return e, v("STATE_DIR", defaultStateDir), parseEmail(v, e)
}

// parseEmail reads the SMTP and EMAIL_* settings.
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

// Installation is what every job of an installation shares and what the
// stored jobs themselves need to be read.
type Installation struct {
	StateDir  string // STATE_DIR: the run history and the stored jobs
	SecretKey string // DBBACKUP_SECRET_KEY: seals the jobs' secrets; "" when unset
}

// LoadInstallation reads STATE_DIR and DBBACKUP_SECRET_KEY from envFile and
// the environment, checking nothing else: a stored job must be readable
// even when a setting of the job default is wrong.
func LoadInstallation(envFile string, explicit bool) (*Installation, error) {
	file, err := readEnvFile(envFile, explicit)
	if err != nil {
		return nil, err
	}
	v := withDefaults(lookup(osEnv{}, file))
	return &Installation{StateDir: v("STATE_DIR", defaultStateDir), SecretKey: v("DBBACKUP_SECRET_KEY", "")}, nil
}
