package config

import (
	"errors"
	"slices"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// TestValidateJobReportsEveryProblemAtOnce: a form with three mistakes
// is told all three at the first submit, each naming its setting, the
// first one being what LoadJob says.
func TestValidateJobReportsEveryProblemAtOnce(t *testing.T) {
	// A value set aside reads the default, never the .env's: this one is
	// not reported twice.
	env := writeEnv(t, "BACKUP_RETENTION_DAYS=abc\n")
	values := map[string]string{"BACKUP_SCHEDULE": "61 2 * * *", "BACKUP_RETENTION_DAYS": "-1", "BACKUP_FORMATS": "csv,pdf",
		"BACKUP_TABLES": "orders", "NOPE": "x", "EMAIL_TO": "ops@example.com"}
	cfg, err := validateJob(env, true, mapEnv{}, "shop", values)
	var p Problems
	if cfg != nil || !errors.As(err, &p) {
		t.Fatalf("got %v, %v", cfg, err)
	}
	var vars []string
	for _, ce := range p {
		vars = append(vars, ce.Var)
	}
	want := []string{"NOPE", "DATABASE_URL", "BACKUP_FORMATS", "BACKUP_TABLES", "BACKUP_SCHEDULE", "BACKUP_RETENTION_DAYS"}
	if !slices.Equal(vars, want) {
		t.Errorf("problems of %v\n got %v\nwant %v", values, vars, want)
	}
	_, first := loadJob(env, true, mapEnv{}, "shop", values)
	if len(p) == 0 || first == nil || p[0].Error() != first.Error() {
		t.Errorf("the first problem %v is not LoadJob's %v", p, first)
	}
	var ce *dbbackup.ConfigError
	if !errors.As(err, &ce) || ce != p[0] || dbbackup.Explain(err).Code != dbbackup.ExitConfig {
		t.Errorf("the problems do not read as configuration errors: %v", err)
	}
	if values["BACKUP_SCHEDULE"] != "61 2 * * *" {
		t.Error("the values were changed")
	}

	values = map[string]string{"DATABASE_URL": "postgres://u@db/shop", "BACKUP_FORMATS": "dump"}
	if cfg, err := validateJob(writeEnv(t, ""), true, mapEnv{}, "shop", values); err != nil || len(cfg.Formats) != 1 || cfg.Formats[0] != "dump" {
		t.Errorf("good settings: %v, %v", cfg, err)
	}
}

// TestValidateJobStopsAtAProblemOfTheInstallation: what is wrong in .env
// is reported once, and ends the search (setting a value of the job
// aside would change nothing).
func TestValidateJobStopsAtAProblemOfTheInstallation(t *testing.T) {
	env := writeEnv(t, "LOG_LEVEL=loud\n")
	_, err := validateJob(env, true, mapEnv{}, "shop", map[string]string{"DATABASE_URL": "postgres://u@db/shop", "BACKUP_TIMEOUT": "forever"})
	var p Problems
	if !errors.As(err, &p) || len(p) != 2 || p[0].Var != "BACKUP_TIMEOUT" || p[1].Var != "LOG_LEVEL" {
		t.Fatalf("got %v", err)
	}
}
