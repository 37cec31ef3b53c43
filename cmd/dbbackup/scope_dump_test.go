package main

import (
	"context"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// partitionsSQL holds a partitioned table of 150 rows over two levels of
// partitions, an inheritance parent with a child, and one more table.
const partitionsSQL = `
CREATE TABLE part (id integer, note text) PARTITION BY RANGE (id);
CREATE TABLE part_low PARTITION OF part FOR VALUES FROM (0) TO (100) PARTITION BY RANGE (id);
CREATE TABLE part_low_a PARTITION OF part_low FOR VALUES FROM (0) TO (50);
CREATE TABLE part_low_b PARTITION OF part_low FOR VALUES FROM (50) TO (100);
CREATE TABLE part_high PARTITION OF part FOR VALUES FROM (100) TO (1000);
INSERT INTO part SELECT i, 'row ' || i FROM generate_series(1, 150) i;
CREATE TABLE inh_parent (id integer);
CREATE TABLE inh_child (extra text) INHERITS (inh_parent);
INSERT INTO inh_parent VALUES (1);
INSERT INTO inh_child VALUES (2, 'child');
CREATE TABLE other (id integer);
INSERT INTO other VALUES (1);
`

// A dump scoped by any of the three variables holds the rows of a
// partitioned table in scope; an inheritance child is a table of its own,
// in the dump only when it is in scope.
func TestScopedDumpKeepsPartitionRows(t *testing.T) {
	url := pgtest.NewDatabase(t, partitionsSQL)
	for _, tc := range []struct {
		variable, value string
		child           bool // inh_child is in scope
	}{
		{"BACKUP_SCHEMAS", "public", true},
		{"BACKUP_TABLES", "public.part,public.inh_parent", false},
		{"BACKUP_EXCLUDE_TABLES", "public.other", true},
	} {
		t.Run(tc.variable, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,dump", tc.variable: tc.value}
			if res := runCLI(t, env, "run"); res.code != 0 {
				t.Fatalf("run: exit %d\n%s", res.code, res.stderr)
			}
			target := pgtest.NewDatabase(t)
			restoreDump(t, only(t, dir, ".dump"), target)
			conn := connect(t, target)
			if got := fingerprint(t, conn, "public", "part"); got != fingerprint(t, connect(t, url), "public", "part") {
				t.Errorf("restored part: %s, want the source's 150 rows", got)
			}
			var child bool
			if err := conn.QueryRow(context.Background(), "SELECT to_regclass('public.inh_child') IS NOT NULL").Scan(&child); err != nil {
				t.Fatal(err)
			}
			if child != tc.child {
				t.Errorf("inh_child restored: %v, want %v (in scope: %v)", child, tc.child, tc.child)
			}
			if got := fingerprint(t, conn, "public", "inh_parent"); got[:6] != "1 rows" {
				t.Errorf("inh_parent's own rows: %s, want 1", got)
			}
		})
	}
}
