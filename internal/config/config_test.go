package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// mapEnv is an environment for tests.
type mapEnv map[string]string

func (m mapEnv) LookupEnv(k string) (string, bool) { v, ok := m[k]; return v, ok }
func (m mapEnv) Names() []string {
	var names []string
	for k := range m {
		names = append(names, k)
	}
	return names
}

func writeEnv(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	c, err := load(filepath.Join(t.TempDir(), ".env"), false, mapEnv{}, DefaultJob)
	if err != nil {
		t.Fatal(err)
	}
	if c.BackupDir != "./backups" || c.EnvFile != "" || c.LogFormat != "text" || c.NameLocation != time.Local {
		t.Fatalf("defaults: %+v", c)
	}
	if g := c.Google; g.CredentialsFile != "credentials.json" || g.TokenFile != "token.json" || g.ChunkSize != 16<<20 ||
		g.KeepLocal || len(g.Scopes) != 1 || g.Scopes[0] != DefaultScope || c.DriveEnabled() {
		t.Fatalf("Google defaults: %+v", g)
	}
	if c.Retention.Days != 30 || c.Retention.MinKeep != 3 || c.StateDir != "./data" || c.Timeout != 6*time.Hour || !c.CatchUp ||
		c.Email.Host != "localhost" || c.Email.Port != 25 || c.Email.On != "always" || len(c.Email.To) != 0 {
		t.Fatalf("run defaults: %+v %+v", c.Retention, c.Email)
	}
	if c.DumpCompression != "" {
		t.Fatalf("default dump compression %q, want pg_dump's own (none given)", c.DumpCompression)
	}
	if got := c.Formats; len(got) != 3 || got[0] != "csv" || got[1] != "xlsx" || got[2] != "json" {
		t.Fatalf("default formats %v", got)
	}
}

func TestEnvironmentOverridesEnvFile(t *testing.T) {
	p := writeEnv(t, "BACKUP_DIR=/from/file\nBACKUP_FORMATS=dump, CSV\nPGHOST=db.local\n")
	e := mapEnv{"BACKUP_DIR": "/from/env", "BACKUP_DUMP_COMPRESSION": "gzip:9"}
	c, err := load(p, true, e, DefaultJob)
	if err != nil {
		t.Fatal(err)
	}
	if c.DumpCompression != "9" {
		t.Fatalf("BACKUP_DUMP_COMPRESSION=gzip:9 read as %q, want pg_dump -Z 9", c.DumpCompression)
	}
	if c.BackupDir != "/from/env" || c.EnvFile != p {
		t.Fatalf("BACKUP_DIR %q, env file %q", c.BackupDir, c.EnvFile)
	}
	if len(c.Formats) != 2 || c.Formats[0] != "csv" || c.Formats[1] != "dump" {
		t.Fatalf("formats %v", c.Formats)
	}
	if c.DatabaseURL != "host='db.local'" || len(e) != 2 {
		t.Fatalf("PGHOST from .env: connection string %q, environment %v", c.DatabaseURL, e)
	}
}

func TestBadValuesNameTheVariable(t *testing.T) {
	tests := []struct {
		env     mapEnv
		wantVar string
		words   string
	}{
		{mapEnv{"BACKUP_FORMATS": "csv,xml"}, "BACKUP_FORMATS", `"xml"`},
		{mapEnv{"BACKUP_FORMATS": " , "}, "BACKUP_FORMATS", "no format"},
		{mapEnv{"BACKUP_TABLES": "orders"}, "BACKUP_TABLES", "public.orders"},
		{mapEnv{"BACKUP_EXCLUDE_TABLES": "public.x,logs"}, "BACKUP_EXCLUDE_TABLES", `"logs"`},
		{mapEnv{"BACKUP_NAME_TIMEZONE": "Mars/Olympus"}, "BACKUP_NAME_TIMEZONE", "Mars/Olympus"},
		{mapEnv{"LOG_FORMAT": "xml"}, "LOG_FORMAT", "xml"},
		{mapEnv{"LOG_LEVEL": "loud"}, "LOG_LEVEL", "loud"},
		{mapEnv{"BACKUP_UPLOAD_CHUNK_MB": "-4"}, "BACKUP_UPLOAD_CHUNK_MB", `"-4"`},
		{mapEnv{"BACKUP_UPLOAD_CHUNK_MB": "lots"}, "BACKUP_UPLOAD_CHUNK_MB", "1 to 1024"},
		{mapEnv{"BACKUP_KEEP_LOCAL": "maybe"}, "BACKUP_KEEP_LOCAL", "true or false"},
		{mapEnv{"BACKUP_CATCH_UP": "yes please"}, "BACKUP_CATCH_UP", "true or false"},
		{mapEnv{"BACKUP_SCHEDULE": "CRON_TZ=Mars/Olympus 0 2 * * *"}, "BACKUP_SCHEDULE", "Mars/Olympus"},
		{mapEnv{"DRIVE_BACKUP_FOLDER_ID": "https://drive.google.com/drive/folders/abc"}, "DRIVE_BACKUP_FOLDER_ID", "last part"},
		{mapEnv{"GOOGLE_API_ENDPOINT": "localhost:8080"}, "GOOGLE_API_ENDPOINT", "http"},
		{mapEnv{"GOOGLE_SCOPES": "drive"}, "GOOGLE_SCOPES", `"drive"`},
		{mapEnv{"BACKUP_RETENTION_DAYS": "-1"}, "BACKUP_RETENTION_DAYS", `"-1"`},
		{mapEnv{"BACKUP_RETENTION_MIN_KEEP": "0"}, "BACKUP_RETENTION_MIN_KEEP", "from 1"},
		{mapEnv{"BACKUP_TIMEOUT": "6 hours"}, "BACKUP_TIMEOUT", "6h"},
		{mapEnv{"BACKUP_TIMEOUT": "-5m"}, "BACKUP_TIMEOUT", "positive"},
		{mapEnv{"BACKUP_VERIFY": "daily"}, "BACKUP_VERIFY", "after-run"},
		{mapEnv{"SMTP_PORT": "99999"}, "SMTP_PORT", "65535"},
		{mapEnv{"SMTP_TLS": "ssl"}, "SMTP_TLS", "starttls"},
		{mapEnv{"EMAIL_TO": "admin"}, "EMAIL_TO", `"admin"`},
		{mapEnv{"EMAIL_ON": "sometimes"}, "EMAIL_ON", "failure"},
		{mapEnv{"BACKUP_DUMP_COMPRESSION": "fast"}, "BACKUP_DUMP_COMPRESSION", "zstd"},
		{mapEnv{"BACKUP_DUMP_COMPRESSION": "zstd:30"}, "BACKUP_DUMP_COMPRESSION", "1 to 22"},
	}
	for _, tt := range tests {
		_, err := load(filepath.Join(t.TempDir(), "none"), false, tt.env, DefaultJob)
		var ce *dbbackup.ConfigError
		if !errors.As(err, &ce) || ce.Var != tt.wantVar || ce.Hint == "" {
			t.Errorf("%v: got %v, want a ConfigError naming %s with a hint", tt.env, err, tt.wantVar)
			continue
		}
		if !strings.Contains(ce.Problem+ce.Hint, tt.words) {
			t.Errorf("%v: %q / %q does not mention %s", tt.env, ce.Problem, ce.Hint, tt.words)
		}
	}
}

func TestEnvFileProblems(t *testing.T) {
	var ce *dbbackup.ConfigError
	missing := filepath.Join(t.TempDir(), "prod.env")
	if _, err := load(missing, true, mapEnv{}, DefaultJob); !errors.As(err, &ce) || ce.Var != missing {
		t.Errorf("missing --env-file: got %v", err)
	}
	dir := t.TempDir() // a folder where a file should be: unreadable
	if _, err := load(dir, false, mapEnv{}, DefaultJob); !errors.As(err, &ce) || ce.Var != dir {
		t.Errorf("unreadable .env: got %v", err)
	}
}
