package config

import (
	"testing"
)

// TestSettingsSayWhereEachValueComesFrom is what the settings page shows:
// for each setting the value in effect and its origin, the job's over the
// environment over .env over the default.
func TestSettingsSayWhereEachValueComesFrom(t *testing.T) {
	p := writeEnv(t, "BACKUP_DIR=/from/file\nBACKUP_FORMATS=csv\nEMAIL_TO=file@example.com\nBACKUP_TIMEOUT=2h\nPGHOST=db.local\nPGPASSWORD=s3cret\n")
	e := mapEnv{"BACKUP_FORMATS": "json", "BACKUP_TIMEOUT": " ", "PGUSER": "backup"}
	job := jobEnv{env: e, values: map[string]string{"DATABASE_URL": "", "EMAIL_TO": "job@example.com"}, stored: true}
	c, err := load(p, true, job, "shop")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Setting{}
	for _, s := range c.Settings {
		if _, dup := got[s.Key]; dup {
			t.Errorf("%s is listed twice", s.Key)
		}
		got[s.Key] = s
	}
	for _, want := range []Setting{
		{"BACKUP_DIR", "/from/file", FromEnvFile},
		{"BACKUP_FORMATS", "json", FromEnvironment},
		{"EMAIL_TO", "job@example.com", FromJob},
		{"BACKUP_TIMEOUT", "6h", FromDefault}, // the environment's blank hides the file's 2h
		{"BACKUP_NAME_PREFIX", "shop", FromDefault},
		{"BACKUP_RETENTION_DAYS", "30", FromDefault},
		{"PGHOST", "db.local", FromEnvFile},
		{"PGPASSWORD", "s3cret", FromEnvFile},
		{"PGUSER", "backup", FromEnvironment},
	} {
		if got[want.Key] != want {
			t.Errorf("%s: %+v, want %+v", want.Key, got[want.Key], want)
		}
	}
	if _, ok := got["PGPORT"]; ok {
		t.Error("a libpq variable nobody set is listed")
	}
}

func TestAJobsOwnDatabaseHidesTheEnvFilesLibpqVariables(t *testing.T) {
	p := writeEnv(t, "PGHOST=db.local\nPGPASSWORD=s3cret\n")
	job := jobEnv{env: mapEnv{}, values: map[string]string{"DATABASE_URL": "postgres://u@other/shop"}, stored: true}
	c, err := load(p, true, job, "shop")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Settings {
		if s.Key == "PGHOST" || s.Key == "PGPASSWORD" {
			t.Errorf("%s is shown, but a job with its own DATABASE_URL does not use the .env's", s.Key)
		}
		if s.Key == "DATABASE_URL" && s.From != FromJob {
			t.Errorf("DATABASE_URL from %s", s.From)
		}
	}
}

func TestSecretSettings(t *testing.T) {
	for key, want := range map[string]bool{"DATABASE_URL": true, "SMTP_PASSWORD": true, "PGPASSWORD": true,
		"DBBACKUP_SECRET_KEY": true, "PGSSLPASSWORD": true, "SMTP_USERNAME": false, "BACKUP_DIR": false} {
		if Secret(key) != want {
			t.Errorf("Secret(%s) = %v", key, !want)
		}
	}
}
