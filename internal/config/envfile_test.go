package config

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// Loading must leave the process environment alone: loading again after
// the file was edited gives the new values.
func TestLoadLeavesTheEnvironmentAlone(t *testing.T) {
	for _, k := range []string{"BACKUP_DIR", "PGHOST"} {
		t.Setenv(k, "") // restored when the test ends
		os.Unsetenv(k)
	}
	p := writeEnv(t, "BACKUP_DIR=/first\nPGHOST=first.db\n")
	c, err := Load(p, true)
	if err != nil || c.BackupDir != "/first" {
		t.Fatalf("first load: %v, BACKUP_DIR %q", err, c.BackupDir)
	}
	if err := os.WriteFile(p, []byte("BACKUP_DIR=/second\nPGHOST=second.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Load(p, true)
	if err != nil || c.BackupDir != "/second" || !strings.Contains(c.DatabaseURL, "second.db") {
		t.Fatalf("second load: %v, BACKUP_DIR %q, connection %q", err, c.BackupDir, c.DatabaseURL)
	}
	for _, k := range []string{"BACKUP_DIR", "PGHOST"} {
		if v, set := os.LookupEnv(k); set {
			t.Errorf("loading set %s=%q in the process environment", k, v)
		}
	}
}

func TestEnvFileSyntaxErrorNamesTheLine(t *testing.T) {
	tests := []struct {
		content string
		line    string
	}{
		{"A=1\nexport\nB=2\n", "line 2:"},
		{"A=1\n# a comment\nB=\"multi\nline\"\nC='never closed\nD=4\n", "line 5:"},
		{"BACKUP_DIR=/x\nEMAIL TO=a@b.c\n", "line 2:"},
		{"A=1\nB=2\n=3\n", "line 3:"},
	}
	for _, tt := range tests {
		p := writeEnv(t, tt.content)
		_, err := load(p, true, mapEnv{}, DefaultJob)
		var ce *dbbackup.ConfigError
		if !errors.As(err, &ce) || ce.Var != p || !strings.HasPrefix(ce.Problem, tt.line) || ce.Hint == "" {
			t.Errorf("%q: got %v, want a ConfigError naming %s and %s", tt.content, err, p, tt.line)
		}
	}
}

func TestUnknownSettingIsAWarningNamingTheClosest(t *testing.T) {
	p := writeEnv(t, "BACKUP_RETENTON_DAYS=7\nSMTP_PORT=25\nDRIVE_SOMETHING_ELSE=x\nOTHER_TOOL=1\n")
	c, err := load(p, true, mapEnv{"EMAIL_TOO": "a@b.c", "GOOGLE_APPLICATION_CREDENTIALS": "/k.json", "BACKUP_DIR": "/b"}, DefaultJob)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(c.Warnings, "\n")
	for _, want := range []string{
		"BACKUP_RETENTON_DAYS (in " + p + ") is not a dbbackup setting and is ignored: did you mean BACKUP_RETENTION_DAYS?",
		"EMAIL_TOO (in the environment) is not a dbbackup setting and is ignored: did you mean EMAIL_TO?",
		"DRIVE_SOMETHING_ELSE (in " + p + ") is not a dbbackup setting",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings %q lack %q", got, want)
		}
	}
	if len(c.Warnings) != 3 { // not SMTP_PORT, OTHER_TOOL, Google's own variable, BACKUP_DIR
		t.Errorf("want 3 warnings, got %q", got)
	}
}

func TestLibpqVariablesOfTheEnvFile(t *testing.T) {
	tests := []struct {
		file, dbURL string
		env         mapEnv
		want        string
		defaults    bool
	}{
		{"", "", mapEnv{}, "", true},
		{"", "", mapEnv{"PGHOST": "h"}, "", false},
		{"PGUSER=backup\nPGPASSWORD=it's\n", "", mapEnv{}, `password='it\'s' user='backup'`, false},
		{"PGUSER=backup\nPGHOST=file\n", "", mapEnv{"PGHOST": "env"}, "user='backup'", false},
		{"PGUSER=backup\n", "host=h user=me", mapEnv{}, "user='backup' host=h user=me", false},
		{"PGPASSWORD=secret\nPGHOST=file\n", "postgres://me@h:5432/db", mapEnv{}, "postgres://me@h:5432/db?password=secret", false},
		// Only what pgx reads: hostaddr would reach the server as a session
		// parameter and fail the connection.
		{"PGHOSTADDR=192.0.2.1\nPGSSLCERTMODE=disable\n", "", mapEnv{}, "sslcertmode='disable'", false},
	}
	for _, tt := range tests {
		env := mapEnv{}
		for k, v := range tt.env {
			env[k] = v
		}
		if tt.dbURL != "" {
			env["DATABASE_URL"] = tt.dbURL
		}
		c, err := load(writeEnv(t, tt.file), true, env, DefaultJob)
		if err != nil {
			t.Fatal(err)
		}
		if c.DatabaseURL != tt.want || c.LibpqDefaults != tt.defaults {
			t.Errorf("%q with %v: connection %q defaults %v, want %q %v", tt.file, env, c.DatabaseURL, c.LibpqDefaults, tt.want, tt.defaults)
		}
	}
}

// TestExposedEnvFileIsWarnedAbout: a .env that holds a secret and that
// other users may read is a warning; a private one, or one without a
// secret, is not.
func TestExposedEnvFileIsWarnedAbout(t *testing.T) {
	for _, tt := range []struct {
		file string
		mode os.FileMode
		want string
	}{
		{"DBBACKUP_SECRET_KEY=abc\n", 0o644, "holds DBBACKUP_SECRET_KEY and other users of this machine can read it (mode 0644): chmod 600"},
		{"DATABASE_URL=postgres://u:pw@h/db\n", 0o640, "holds a password in DATABASE_URL"},
		{"DBBACKUP_SECRET_KEY=abc\n", 0o600, ""},
		{"BACKUP_DIR=/b\n", 0o644, ""},
	} {
		p := writeEnv(t, tt.file)
		if err := os.Chmod(p, tt.mode); err != nil {
			t.Fatal(err)
		}
		c, err := load(p, true, mapEnv{}, DefaultJob)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(c.Warnings, "\n")
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%q mode %o: warnings %q, want %q", tt.file, tt.mode, got, tt.want)
		}
	}
}
