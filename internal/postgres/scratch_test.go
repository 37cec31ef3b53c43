package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

func TestScratchIsMadeEmptyAndDropped(t *testing.T) {
	ctx := context.Background()
	src := pgtest.NewDatabase(t, "CREATE TABLE t (id int)")
	name := "dbbackup_verify_test_" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "_"))[:20]
	s, err := CreateScratch(ctx, src, name)
	if err != nil {
		t.Fatal(err)
	}
	dropped := false
	t.Cleanup(func() {
		if !dropped {
			s.Drop(ctx)
		}
	})
	// The test holds a session in its database while it lasts: no sweep
	// takes it for what a killed test left.
	if idle, err := IdleScratches(ctx, src, name); err != nil || len(idle) != 0 {
		t.Errorf("IdleScratches while the test lasts = %v, %v; want none", idle, err)
	}
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		t.Fatalf("connect to the scratch database: %v", err)
	}
	var db string
	var tables int
	if err := conn.QueryRow(ctx, "SELECT current_database(), (SELECT count(*) FROM pg_class WHERE relname = 't')").Scan(&db, &tables); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if db != name || tables != 0 {
		t.Fatalf("reached %s holding %d tables t, want the empty %s", db, tables, name)
	}
	if err := s.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	dropped = true
	if n := exists(t, name); n != 0 {
		t.Fatalf("%s is still there after Drop", name)
	}
}

// A role that may not create databases is told so, with ErrCannotCreate,
// and nothing is made.
func TestScratchNeedsCreateDB(t *testing.T) {
	ctx := context.Background()
	src := pgtest.NewDatabase(t)
	admin, err := pgx.Connect(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	role := "dbbackup_nocreatedb_" + strings.TrimPrefix(dbNameOf(t, src), "dbbackup_test_")
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" LOGIN NOCREATEDB"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+role) })
	url, err := OtherDatabase(src, dbNameOf(t, src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = CreateScratch(ctx, url+" user='"+role+"'", "dbbackup_verify_never")
	if !errors.Is(err, ErrCannotCreate) {
		t.Fatalf("got %v, want ErrCannotCreate", err)
	}
	if exists(t, "dbbackup_verify_never") != 0 {
		t.Fatal("a database was made")
	}
}

// OtherDatabase keeps every setting, the password with its odd characters
// included, and names the other database.
func TestOtherDatabase(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p%27w%5C@db.example:5433/shop?sslmode=require&application_name=x": `application_name='x' dbname='other' host='db.example' password='p\'w\\' port='5433' sslmode='require' user='u'`,
		"host=db dbname=shop user=u":    `dbname='other' host='db' user='u'`,
		"postgres://u@db/shop?ssl=true": `dbname='other' host='db' sslmode='require' user='u'`,
		"":                              `dbname='other'`,
	} {
		got, err := OtherDatabase(in, "other")
		if err != nil || got != want {
			t.Errorf("OtherDatabase(%q) = %q, %v; want %q", in, got, err, want)
		}
		if _, err := pgx.ParseConfig(got); err != nil {
			t.Errorf("pgx cannot read %q: %v", got, err)
		}
	}
}

func exists(t *testing.T, name string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func dbNameOf(t *testing.T, url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Database
}
