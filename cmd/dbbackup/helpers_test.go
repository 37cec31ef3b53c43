package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// settings are every variable the program reads; runCLI clears the ones a
// test does not set, so the machine's environment cannot leak in.
var settings = []string{"DATABASE_URL", "BACKUP_DIR", "BACKUP_FORMATS", "BACKUP_SCHEMAS", "BACKUP_TABLES",
	"BACKUP_EXCLUDE_TABLES", "BACKUP_NAME_TIMEZONE", "LOG_FORMAT", "LOG_LEVEL", "PG_DUMP", "BACKUP_DUMP_COMPRESSION", "PGTZ",
	"GOOGLE_CREDENTIALS_FILE", "GOOGLE_TOKEN_FILE", "GOOGLE_SCOPES", "DRIVE_BACKUP_FOLDER_ID", "GOOGLE_API_ENDPOINT",
	"BACKUP_UPLOAD_CHUNK_MB", "BACKUP_KEEP_LOCAL", "BACKUP_RETENTION_DAYS", "BACKUP_RETENTION_MIN_KEEP",
	"BACKUP_RETENTION_TRASH", "STATE_DIR", "BACKUP_TIMEOUT", "BACKUP_VERIFY", "VERIFY_DATABASE_URL", "SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD",
	"SMTP_TLS", "EMAIL_FROM", "EMAIL_TO", "EMAIL_ON", "RESTORE_TARGET", "DBBACKUP_SECRET_KEY", "BACKUP_NAME_PREFIX", "BACKUP_SCHEDULE", "BACKUP_CATCH_UP",
	"SERVE_ADDR", "SERVE_TLS_CERT", "SERVE_TLS_KEY", "SERVE_BASE_URL", "METRICS_TOKEN", "SERVE_SHUTDOWN_WAIT",
	"SHEETS_SPREADSHEET_ID", "SHEETS_TABLES", "SHEETS_MODE", "SHEETS_KEY", "SHEETS_SCHEDULE", "SHEETS_WRITES_PER_MINUTE",
	"BACKUP_ENCRYPT_RECIPIENTS", "BACKUP_COMPRESS", "BACKUP_VERIFY_IDENTITY"}

type result struct {
	stdout, stderr string
	code           int
}

// runCLI runs the command line in-process, as main does.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runCLIWithInput(t, env, "", args...)
}

// runCLIWithInput is runCLI with stdin.
func runCLIWithInput(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	useSettings(t, env)
	var out, errOut bytes.Buffer
	cmd := newRootCommand()
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.ExecuteContext(context.Background())
	code := report(&errOut, err)
	return result{out.String(), errOut.String(), code}
}

// useSettings makes env the whole environment of the settings until the
// test ends, STATE_DIR a temporary folder unless env sets it.
func useSettings(t *testing.T, env map[string]string) {
	t.Helper()
	if _, set := env["STATE_DIR"]; !set {
		env = withEnv(env, "STATE_DIR", t.TempDir()) // never ./data in the source tree
	}
	if _, set := env["BACKUP_VERIFY"]; !set {
		env = withEnv(env, "BACKUP_VERIFY", "never") // restore tests where a test asks for them
	}
	for _, k := range settings {
		t.Setenv(k, env[k]) // restores the variable when the test ends
		if _, set := env[k]; !set {
			os.Unsetenv(k) // set but empty is not the same as unset for libpq
		}
	}
}

// setFiles lists the backup folder, hidden files included.
func setFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".dbbackup") && strings.HasSuffix(e.Name(), ".lock") {
			continue // a job's run lock, not a backup
		}
		if e.Name() == stagingDirName || strings.HasPrefix(e.Name(), stagingDirName+"-") {
			if sub, _ := os.ReadDir(filepath.Join(dir, e.Name())); len(sub) > 0 {
				t.Errorf("staging folder not empty: %s", sub[0].Name())
			}
			continue
		}
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// only returns the one file whose name ends in suffix.
func only(t *testing.T, dir, suffix string) string {
	t.Helper()
	var found []string
	for _, n := range setFiles(t, dir) {
		if strings.HasSuffix(n, suffix) && (suffix == ".manifest.json" || !strings.HasSuffix(n, ".manifest.json")) {
			found = append(found, n)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one *%s in %s, have %v", suffix, dir, found)
	}
	return filepath.Join(dir, found[0])
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	return pgtest.Connect(t, url)
}

// fingerprint is a table's row count and a digest of its rows' text forms,
// in a stable order: equal fingerprints mean equal contents.
func fingerprint(t *testing.T, conn *pgx.Conn, schema, name string) string {
	t.Helper()
	ident := pgx.Identifier{schema, name}.Sanitize()
	var partitioned bool
	if err := conn.QueryRow(context.Background(), "SELECT relkind = 'p' FROM pg_class WHERE oid = $1::regclass", ident).Scan(&partitioned); err != nil {
		t.Fatalf("fingerprint %s.%s: %v", schema, name, err)
	}
	only := "ONLY " // an inheritance parent's own rows
	if partitioned {
		only = "" // a partitioned table's rows are all in its partitions
	}
	q := fmt.Sprintf(`SELECT count(*), coalesce(md5(string_agg(r::text, E'\n' ORDER BY r::text)), '')
		FROM (SELECT * FROM %s%s) r`, only, ident)
	var n int64
	var sum string
	if err := conn.QueryRow(context.Background(), q).Scan(&n, &sum); err != nil {
		t.Fatalf("fingerprint %s.%s: %v", schema, name, err)
	}
	return fmt.Sprintf("%d rows %s", n, sum)
}

// tables lists the user tables of a database, partitions included.
func tables(t *testing.T, conn *pgx.Conn) []dbbackup.Table {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT n.nspname, c.relname FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []dbbackup.Table
	for rows.Next() {
		var tb dbbackup.Table
		if err := rows.Scan(&tb.Schema, &tb.Name); err != nil {
			t.Fatal(err)
		}
		out = append(out, tb)
	}
	return out
}

// restoreDump loads a pg_dump archive into a new database and returns its
// connection string.
func restoreDump(t *testing.T, path, newURL string) {
	t.Helper()
	cmd := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+newURL, path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pg_restore %s: %v\n%s", path, err, out)
	}
}

// withEnv returns a copy of env with more variables set.
func withEnv(env map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// loadCSVBack loads a zip entry of the CSV into an empty copy of its table
// (in the schema roundtrip) and compares the copy with the table.
func loadCSVBack(t *testing.T, conn *pgx.Conn, zf *zip.File, tb dbbackup.Table) {
	t.Helper()
	orig, copyOf := pgx.Identifier{tb.Schema, tb.Name}.Sanitize(), pgx.Identifier{"roundtrip", tb.Name}.Sanitize()
	if _, err := conn.Exec(context.Background(), "CREATE TABLE "+copyOf+" (LIKE "+orig+")"); err != nil {
		t.Fatal(err)
	}
	r, err := zf.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := conn.PgConn().CopyFrom(context.Background(), r, "COPY "+copyOf+" FROM STDIN (FORMAT csv, HEADER)"); err != nil {
		t.Fatalf("load %s (%s) back: %v", zf.Name, tb, err)
	}
	if a, b := fingerprint(t, conn, tb.Schema, tb.Name), fingerprint(t, conn, "roundtrip", tb.Name); a != b {
		t.Errorf("%s: database %s, csv %s", tb, a, b)
	}
}

// stagingDirName is the staging folder of the job default in BACKUP_DIR.
const stagingDirName = ".partial"
