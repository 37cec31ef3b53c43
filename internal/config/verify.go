package config

import (
	"fmt"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// When a run proves its set by restoring it (BACKUP_VERIFY).
const (
	VerifyNever    = "never"     // only the checksums of the upload are checked
	VerifyAfterRun = "after-run" // every run restores the set it made
	VerifyWeekly   = "weekly"    // a run restores its set when the last restore test is a week old
)

// Verify is how runs prove their sets restorable.
type Verify struct {
	When string // BACKUP_VERIFY: VerifyNever, VerifyAfterRun or VerifyWeekly
	// DatabaseURL (VERIFY_DATABASE_URL) reaches the server, and the role,
	// a restore test makes its throwaway database with; "" is the
	// database's own server and role (DATABASE_URL).
	DatabaseURL string
}

// parseVerify reads BACKUP_VERIFY and VERIFY_DATABASE_URL.
func (c *Config) parseVerify(v func(name, def string) string) error {
	c.Verify.When = strings.ToLower(strings.TrimSpace(v("BACKUP_VERIFY", VerifyWeekly)))
	switch c.Verify.When {
	case VerifyNever, VerifyAfterRun, VerifyWeekly:
	default:
		return &dbbackup.ConfigError{Var: "BACKUP_VERIFY", Problem: fmt.Sprintf("unknown value %q", c.Verify.When),
			Hint: "use weekly (restore the new set into a throwaway database once a week), after-run (every run) or never"}
	}
	c.Verify.DatabaseURL = v("VERIFY_DATABASE_URL", "")
	return nil
}
