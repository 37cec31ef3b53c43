package postgres

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/fingerprint"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestCopyCSVIsByteForByteThePostgreSQLCOPY compares CopyCSV with the
// server's own COPY, in the same snapshot, for every table of Chinook and
// of the schema that holds every type and identifier shape.
func TestCopyCSVIsByteForByteThePostgreSQLCOPY(t *testing.T) {
	for name, script := range map[string]string{
		"chinook": pgtest.Chinook(t),
		"types":   pgtest.Testdata(t, "types.sql") + pgtest.Testdata(t, "copy_edges.sql"),
	} {
		t.Run(name, func(t *testing.T) {
			s, tables := snapshotOf(t, script)
			ctx := context.Background()
			for _, tb := range tables {
				var ours, theirs bytes.Buffer
				n, err := s.CopyCSV(ctx, tb, &ours)
				if err != nil {
					t.Fatalf("%s: %v", tb, err)
				}
				from := quoteTable(tb)
				if tb.Partitioned {
					from = "(SELECT * FROM " + from + ")"
				}
				tag, err := s.conn.PgConn().CopyTo(ctx, &theirs, "COPY "+from+" TO STDOUT WITH (FORMAT csv, HEADER)")
				if err != nil {
					t.Fatalf("%s: COPY: %v", tb, err)
				}
				if tb.Name == "long_values" && s.conn.PgConn().Conn().(*spillConn).seq == 0 {
					t.Errorf("%s: no value went through a temporary file", tb)
				}
				if !bytes.Equal(ours.Bytes(), theirs.Bytes()) || n != tag.RowsAffected() {
					t.Errorf("%s: %d rows, COPY %d\nours:\n%q\nCOPY:\n%q", tb, n, tag.RowsAffected(), trim(ours.Bytes()), trim(theirs.Bytes()))
				}
				// The fingerprint CopyCSV took as it wrote, long values
				// too, is that of the server's COPY text.
				fw := fingerprint.NewWriter(true)
				fw.Write(theirs.Bytes())
				if sum, err := s.Fingerprint(ctx, tb); err != nil || sum != fw.Sum() || fw.Rows() != n {
					t.Errorf("%s: fingerprint %s (%v), of COPY's %d rows %s", tb, sum, err, fw.Rows(), fw.Sum())
				}
			}
		})
	}
}

func trim(b []byte) []byte {
	if len(b) > 600 {
		return b[:600]
	}
	return b
}

// TestSessionTimeouts: no statement, and no pause in the snapshot's
// transaction, may outlast the run on the server.
func TestSessionTimeouts(t *testing.T) {
	db, err := New(pgtest.NewDatabase(t), 90*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	snap, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close(ctx)
	for name, want := range map[string]string{"statement_timeout": "90min", "idle_in_transaction_session_timeout": "90min",
		"transaction_isolation": "repeatable read", "transaction_read_only": "on", "DateStyle": "ISO, YMD"} {
		var got string
		if err := snap.(*Snapshot).conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", name, got, err, want)
		}
	}
}
