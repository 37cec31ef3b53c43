package dump

import (
	"bufio"
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/exporttest"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/postgres"
)

// The suite's tables in a real database: pg_dump reads the snapshot of
// the Source it is given. The connection carries a password (the local
// server trusts, and ignores it) so that the passfile is made, and must
// be removed, whatever happens.
func TestExporterContract(t *testing.T) {
	url := strings.Replace(pgtest.NewDatabase(t, exporttest.Script()), "://postgres@", "://postgres:unused@", 1)
	conn, err := postgres.LibpqEnv(url)
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.New(url, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	major := 0
	exporttest.Run(t, exporttest.Suite{
		New: func(*testing.T) dbbackup.Exporter {
			return &Exporter{Conn: Conn{Env: conn.Env, Password: conn.Password}, Scoped: true}
		},
		Source: func(t *testing.T) dbbackup.Source {
			snap, err := db.Snapshot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { snap.Close(context.Background()) })
			major = snap.Info().ServerMajor
			return snap
		},
		Count: func(t *testing.T, path string, tables []dbbackup.Table) []int64 {
			return countRows(t, find("pg_restore", major), path, tables)
		},
	})
}

// countRows asks pg_restore for each table's data and counts the lines of
// its COPY block, one a row.
func countRows(t *testing.T, pgRestore, path string, tables []dbbackup.Table) []int64 {
	t.Helper()
	if out, err := exec.Command(pgRestore, "--list", path).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore --list: %v: %s", err, out)
	}
	counts := []int64{}
	for _, tb := range tables {
		out, err := exec.Command(pgRestore, "--file=-", "--data-only", "--schema="+tb.Schema, "--table="+tb.Name, path).CombinedOutput()
		if err != nil {
			t.Fatalf("pg_restore of %s: %v: %s", tb, err, out)
		}
		var n int64
		in := false
		for s := bufio.NewScanner(bytes.NewReader(out)); s.Scan(); {
			switch line := s.Text(); {
			case strings.HasPrefix(line, "COPY "):
				in = true
			case line == `\.`:
				in = false
			case in:
				n++
			}
		}
		counts = append(counts, n)
	}
	return counts
}
