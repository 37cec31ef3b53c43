package postgres

import (
	"bytes"
	"context"
	"os/exec"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// TestARestoredDatabaseHasTheSnapshotsFingerprints fingerprints every
// table of the types database through a Snapshot whose session runs in
// one time zone, then through a Target in another, told the snapshot's:
// on the same database and on a copy made by pg_dump | pg_restore the
// fingerprints are the same; one value changed changes its table's.
func TestARestoredDatabaseHasTheSnapshotsFingerprints(t *testing.T) {
	ctx := context.Background()
	src := pgtest.NewDatabase(t, pgtest.Testdata(t, "types.sql"))
	t.Setenv("PGTZ", "Asia/Kathmandu") // +05:45: no other zone prints a timestamptz alike
	db, err := New(src, 0)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close(ctx)
	s := snap.(*Snapshot)
	zone := s.Info().TimeZone
	if zone != "Asia/Kathmandu" {
		t.Fatalf("the snapshot's time zone is %q, not PGTZ's", zone)
	}
	tables, err := s.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, tb := range tables {
		if want[tb.String()], err = s.Fingerprint(ctx, tb); err != nil {
			t.Fatal(err)
		}
	}

	copied := pgtest.NewDatabase(t)
	dump := exec.Command("pg_dump", "--format=custom", "--dbname="+src)
	restore := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname="+copied)
	var dumpErr, restoreErr bytes.Buffer
	dump.Stderr, restore.Stderr = &dumpErr, &restoreErr
	if restore.Stdin, err = dump.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if err := dump.Start(); err != nil {
		t.Fatal(err)
	}
	if err := restore.Run(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, restoreErr.Bytes())
	}
	if err := dump.Wait(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, dumpErr.Bytes())
	}

	t.Setenv("PGTZ", "America/St_Johns") // the targets' sessions run in another zone
	fingerprints := func(url string) map[string]string {
		t.Helper()
		target, err := ConnectTarget(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer target.Close(ctx)
		tables, err := target.Tables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, tb := range tables {
			if got[tb.String()], _, err = target.Fingerprint(ctx, tb, zone); err != nil {
				t.Fatal(err)
			}
		}
		var tz string
		if err := target.conn.QueryRow(ctx, "SHOW TimeZone").Scan(&tz); err != nil || tz != "America/St_Johns" {
			t.Errorf("Fingerprint left the session's TimeZone %q (%v)", tz, err)
		}
		return got
	}
	compare := func(what string, got map[string]string, changed string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: tables %v, the snapshot's %v", what, got, want)
		}
		for name, sum := range want {
			if (got[name] != sum) != (name == changed) {
				t.Errorf("%s: %s has fingerprint %s, the snapshot %s", what, name, got[name], sum)
			}
		}
	}
	compare("the same database", fingerprints(src), "")
	compare("a pg_restore copy", fingerprints(copied), "")

	conn, err := pgx.Connect(ctx, copied)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `UPDATE all_types SET n = n + 1 WHERE id = (SELECT min(id) FROM all_types WHERE n IS NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	compare("the copy after an UPDATE", fingerprints(copied), (dbbackup.Table{Schema: "public", Name: "all_types"}).String())
}
