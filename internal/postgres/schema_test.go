package postgres

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
)

// describeSQL tells, one line per object, what the schema file must
// carry of the tables outside the system schemas: tables, columns,
// constraints, indexes, types, extensions and sequences with their values.
// Names are schema-qualified (search_path is empty); OIDs never appear.
const describeSQL = `
SELECT line FROM (
SELECT 'table ' || c.oid::regclass || ' ' || c.relkind::text || c.relpersistence::text || ' ' || coalesce(pg_get_partkeydef(c.oid), '') || ' ' ||
  coalesce(pg_get_expr(c.relpartbound, c.oid), '') || ' inherits ' ||
  coalesce((SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid), '')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
UNION ALL
SELECT 'column ' || a.attrelid::regclass || ' ' || a.attnum || ' ' || quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) ||
  ' collate ' || a.attcollation::regcollation || ' notnull ' || a.attnotnull || ' identity ' || a.attidentity::text || ' generated ' || a.attgenerated::text ||
  ' local ' || a.attislocal || ' default ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint ' || coalesce(k.conrelid::regclass::text, k.contypid::regtype::text) || ' ' || quote_ident(k.conname) || ' ' ||
  pg_get_constraintdef(k.oid) || ' local ' || k.conislocal || ' inherited ' || k.coninhcount || ' validated ' || k.convalidated
FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid) || ' valid ' || i.indisvalid
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
UNION ALL
SELECT 'type ' || t.oid::regtype || ' ' || t.typtype::text || ' ' || format_type(t.typbasetype, t.typtypmod) || ' ' || t.typnotnull || ' ' ||
  coalesce(pg_get_expr(t.typdefaultbin, 0), '') || ' ' ||
  coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '') ||
  coalesce((SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attcollation::regcollation, ','
    ORDER BY a.attnum) FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid AND r.relkind = 'c' WHERE a.attrelid = t.typrelid), '') ||
  coalesce((SELECT format_type(r.rngsubtype, NULL) || ' ' || r.rngsubdiff::regproc FROM pg_range r WHERE r.rngtypid = t.oid), '')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype IN ('e', 'd', 'c', 'r') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
  AND NOT EXISTS (SELECT 1 FROM pg_depend m WHERE m.objid = t.oid AND m.deptype = 'e')
UNION ALL
SELECT 'extension ' || extname || ' ' || extnamespace::regnamespace FROM pg_extension WHERE extname <> 'plpgsql'
UNION ALL
SELECT 'sequence ' || s.schemaname || '.' || s.sequencename || ' ' || s.data_type || ' ' || s.start_value || ' ' || s.min_value || ' ' ||
  s.max_value || ' ' || s.increment_by || ' ' || s.cycle || ' ' || s.cache_size || ' ' || coalesce(s.last_value::text, 'unset')
FROM pg_sequences s %s
) d(line) ORDER BY line COLLATE "C"`

func describeCatalog(t *testing.T, url string, where string) []string {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = ""
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, strings.Replace(describeSQL, "%s", where, 1))
	if err != nil {
		t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// schemaOf writes the schema of every table of the database at url.
func schemaOf(t *testing.T, url string) (string, []dbbackup.Table) {
	t.Helper()
	ctx := context.Background()
	snap := openSnapshot(t, url)
	tables, err := snap.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := snap.WriteSchema(ctx, tables, &b); err != nil {
		t.Fatalf("WriteSchema: %v", err)
	}
	// The snapshot's session keeps its search_path for what it reads next.
	var path string
	if err := snap.conn.QueryRow(ctx, "SHOW search_path").Scan(&path); err != nil || path != `"$user", public` {
		t.Errorf("search_path after WriteSchema = %q, %v", path, err)
	}
	return b.String(), tables
}

// restoreSchema runs the pre-data of sql in the empty database at to,
// copies every table's rows from the database at from, then runs the
// post-data, all in one transaction as restore does.
func restoreSchema(t *testing.T, sql string, tables []dbbackup.Table, from, to string) {
	t.Helper()
	ctx := context.Background()
	pre, post, err := dbbackup.SplitSchema(sql)
	if err != nil {
		t.Fatal(err)
	}
	src, err := pgx.Connect(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close(ctx)
	dst, err := pgx.Connect(ctx, to)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close(ctx)
	if _, err := dst.Exec(ctx, "BEGIN; SET LOCAL search_path = ''"); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Exec(ctx, pre, pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatalf("pre-data: %v\n%s", err, sql)
	}
	for _, tb := range tables {
		tb = tb.Copied()
		var cols []string
		for _, c := range tb.Columns {
			cols = append(cols, quoteIdent(c.Name))
		}
		var rows bytes.Buffer
		if _, err := src.PgConn().CopyTo(ctx, &rows, "COPY ("+selectSQL(tb, dbbackup.RowsOptions{})+") TO STDOUT"); err != nil {
			t.Fatal(err)
		}
		list := ""
		if len(cols) > 0 {
			list = " (" + strings.Join(cols, ", ") + ")"
		}
		if _, err := dst.PgConn().CopyFrom(ctx, &rows, "COPY "+quoteTable(tb)+list+" FROM STDIN"); err != nil {
			t.Fatalf("load %s: %v", tb, err)
		}
	}
	if _, err := dst.Exec(ctx, post, pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatalf("post-data: %v\n%s", err, sql)
	}
	if _, err := dst.Exec(ctx, "COMMIT"); err != nil {
		t.Fatalf("commit: %v\n%s", err, sql)
	}
}

// The schema file of a database, run into an empty one around its rows,
// makes the same tables, columns, constraints, indexes, types and
// sequence values.
func TestSchemaRecreatesTheTables(t *testing.T) {
	own, err := os.ReadFile("testdata/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		script string
		// unused names what the source has that no table uses.
		unused string
	}{
		"schema":  {string(own), "WHERE s.sequencename <> 'unused_seq'"},
		"chinook": {pgtest.Chinook(t), ""},
		"types":   {pgtest.Testdata(t, "types.sql"), ""},
	} {
		t.Run(name, func(t *testing.T) {
			from := pgtest.NewDatabase(t, tt.script)
			sql, tables := schemaOf(t, from)
			to := pgtest.NewDatabase(t)
			restoreSchema(t, sql, tables, from, to)
			want, got := describeCatalog(t, from, tt.unused), describeCatalog(t, to, "")
			if d := diffLines(want, got); d != "" {
				t.Errorf("the restored catalog differs (- source, + restored):\n%s\nschema file:\n%s", d, sql)
			}
			for _, part := range []string{"-- dbbackup:pre-data\n", "-- dbbackup:post-data\n", "the dump format keeps them"} {
				if !strings.Contains(sql, part) {
					t.Errorf("the schema file has no %q", part)
				}
			}
		})
	}
}

// diffLines lists the lines only one side has.
func diffLines(a, b []string) string {
	count := map[string]int{}
	for _, l := range a {
		count[l]++
	}
	for _, l := range b {
		count[l]--
	}
	var out []string
	for _, l := range a {
		if count[l] > 0 {
			out = append(out, "- "+l)
			count[l]--
		}
	}
	for _, l := range b {
		if count[l] < 0 {
			out = append(out, "+ "+l)
			count[l]++
		}
	}
	return strings.Join(out, "\n")
}

// openSnapshot opens a snapshot of the database at url, closed when the
// test ends.
func openSnapshot(t testing.TB, url string) *Snapshot {
	t.Helper()
	db, err := New(url, 0)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := db.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close(context.Background()) })
	return snap.(*Snapshot)
}
