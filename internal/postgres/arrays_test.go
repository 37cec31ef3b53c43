package postgres

import (
	"context"
	"io"
	"reflect"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestArraysAsJSON checks the forms of arrays with RowsOptions.ArraysAsJSON:
// to_json where it keeps the value whole, the literal where it would not.
func TestArraysAsJSON(t *testing.T) {
	snap, tables := snapshotOf(t, `
CREATE DOMAIN ints AS integer[];
CREATE TABLE arrays (id int, a integer[], j jsonb[], d ints);
INSERT INTO arrays VALUES
 (1, '{1,2}', '{"[1,2]",NULL,"null"}', '{3}'),
 (2, '[0:2]={7,8,9}', '{}', '[2:2]={4}'),
 (3, '{{1,2},{3,4}}', '{{"{}"},{"1"}}', '{}'),
 (4, '[1:1][0:1]={{5,6}}', NULL, NULL),
 (5, '{}', '[0:0]={"\"x\""}', '{{1},{2}}');`)
	ctx := context.Background()
	var got [][]string
	_, err := snap.Rows(ctx, tables[0], dbbackup.RowsOptions{ArraysAsJSON: true}, func(values [][]byte, _ []*io.SectionReader) error {
		row := []string{}
		for _, v := range values[1:] {
			if v == nil {
				row = append(row, "NULL")
			} else {
				row = append(row, string(v))
			}
		}
		got = append(got, row)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"[1,2]", `{"[1, 2]",NULL,"null"}`, "[3]"},
		{"[0:2]={7,8,9}", "{}", "[2:2]={4}"},
		{"[[1,2],[3,4]]", `{{"{}"},{1}}`, "[]"},
		{"[1:1][0:1]={{5,6}}", "NULL", "NULL"},
		{"[]", `[0:0]={"\"x\""}`, "[[1],[2]]"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// snapshotOf loads script into a new database and returns a snapshot of it,
// closed when the test ends, with its tables.
func snapshotOf(t *testing.T, script string) (*Snapshot, []dbbackup.Table) {
	t.Helper()
	db, err := New(pgtest.NewDatabase(t, script), 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	snap, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close(ctx) })
	tables, err := snap.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return snap.(*Snapshot), tables
}
