package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// A role that may read only some tables is refused before anything is
// exported, with every table it may not read and the GRANT to run.
func TestRoleWithoutSelectIsRefusedBeforeExport(t *testing.T) {
	b := make([]byte, 4)
	rand.Read(b)
	role := "reader_" + hex.EncodeToString(b)
	admin := connect(t, pgtest.AdminURL())
	if _, err := admin.Exec(context.Background(), "CREATE ROLE "+role+" LOGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(context.Background(), "DROP ROLE "+role) }) // after the database is gone
	u, err := url.Parse(pgtest.NewDatabase(t, ordersSQL+`;
		CREATE SCHEMA private; CREATE TABLE private.salaries (id int); CREATE TABLE "Mixed Case" (id int);
		GRANT SELECT ON orders TO `+role+`;`))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": u.String(), "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,json"}
	res := runCLI(t, env, "run")
	want := "role " + role + " may not read 3 of the 4 tables in scope: private.salaries, public.Mixed Case, public.order_lines"
	grant := `GRANT USAGE ON SCHEMA "private" TO "` + role + `"; GRANT SELECT ON "private"."salaries", "public"."Mixed Case", "public"."order_lines" TO "` + role + `";`
	if res.code != exitFailed || !strings.Contains(res.stderr, want) || !strings.Contains(res.stderr, "Try: as a superuser, run: "+grant) ||
		!strings.Contains(res.stderr, "GRANT pg_read_all_data TO \""+role+"\";") {
		t.Errorf("exit %d, want %d naming every table and the GRANT:\n%s%s", res.code, exitFailed, res.stdout, res.stderr)
	}
	if strings.Contains(res.stderr, "table exported") || len(setFiles(t, dir)) != 0 {
		t.Errorf("something was exported before the refusal:\n%s", res.stderr)
	}
	res = runCLI(t, env, "check")
	if !strings.Contains(res.stdout, want) || !strings.Contains(res.stdout, "Try: as a superuser, run: "+grant) {
		t.Errorf("check says otherwise:\n%s", res.stdout)
	}
}

// BACKUP_TABLES naming a view says it is one; a near miss gets the name it
// most likely meant.
func TestScopeNamesAViewOrTheNearestTable(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL+"; CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;")
	for tables, want := range map[string]string{
		"public.big_orders": "BACKUP_TABLES: public.big_orders is a view (dbbackup backs up tables)",
		"public.order":      `BACKUP_TABLES: "public.order" matches no table in the database: did you mean public.orders?`,
		"public.Orders":     `BACKUP_TABLES: "public.Orders" matches no table in the database: did you mean public.orders?`,
	} {
		for _, cmd := range []string{"run", "check"} {
			res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "BACKUP_TABLES": tables}, cmd)
			code := exitConfig
			if cmd == "check" {
				code = exitFailed // check's own: some check failed
			}
			if res.code != code || !strings.Contains(res.stdout+res.stderr, want) {
				t.Errorf("%s with BACKUP_TABLES=%s: exit %d, want %d and %q:\n%s%s", cmd, tables, res.code, code, want, res.stdout, res.stderr)
			}
		}
	}
}

// A connection that fails is said once, in one line, with what to do, by
// run as by check.
func TestConnectErrorOnceWithWhatToDo(t *testing.T) {
	admin, err := url.Parse(pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	refused := "postgres://postgres@127.0.0.1:1/postgres"
	missing := *admin
	missing.Path = "/no_such_database_here"
	for _, tt := range []struct{ url, reason, hint string }{
		{refused, "cannot connect to postgres@127.0.0.1:1/postgres: connection refused\n", "Try: check DATABASE_URL (or PGHOST, PGPORT) and that PostgreSQL runs there"},
		{missing.String(), `database "no_such_database_here" does not exist` + "\n", "Try: there is no such database"},
	} {
		env := map[string]string{"DATABASE_URL": tt.url, "BACKUP_DIR": t.TempDir()}
		res := runCLI(t, env, "run")
		if res.code != exitFailed || strings.Count(res.stderr, tt.reason) != 1 || !strings.Contains(res.stderr, tt.hint) {
			t.Errorf("run: exit %d, want %d, %q once and %q:\n%s%s", res.code, exitFailed, tt.reason, tt.hint, res.stdout, res.stderr)
		}
		res = runCLI(t, env, "check")
		if strings.Count(res.stdout, tt.reason) != 1 || !strings.Contains(res.stdout, tt.hint) {
			t.Errorf("check: want %q once and %q:\n%s", tt.reason, tt.hint, res.stdout)
		}
	}
	// Nothing set at all: the fallback is named.
	clearLibpq(t)
	res := runCLI(t, map[string]string{"BACKUP_DIR": t.TempDir()}, "check")
	if !strings.Contains(res.stderr, "DATABASE_URL is empty and no PG* variable is set: connecting with libpq's defaults") ||
		!strings.Contains(res.stderr, "user=") || !strings.Contains(res.stderr, "host=") || !strings.Contains(res.stderr, "database=") {
		t.Errorf("the fallback to libpq's defaults is not said:\n%s%s", res.stdout, res.stderr)
	}
}
