package json

import (
	"bytes"
	"context"
	"encoding/base64"
	stdjson "encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func export(t *testing.T, ctx context.Context, src dbbackup.Source, tables ...dbbackup.Table) (dbbackup.ExportResult, []byte, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.json")
	res, err := Exporter{}.Export(ctx, src, tables, path)
	if err != nil {
		return res, nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return res, b, nil
}

// document is the json format as a reader decodes it.
type document struct {
	Format    string `json:"format"`
	Database  string `json:"database"`
	CreatedAt string `json:"created_at"`
	Tables    []struct {
		Schema   string              `json:"schema"`
		Name     string              `json:"name"`
		Columns  []map[string]string `json:"columns"`
		Rows     []map[string]any    `json:"rows"`
		RowCount stdjson.Number      `json:"row_count"`
	} `json:"tables"`
}

func decode(t *testing.T, b []byte) document {
	t.Helper()
	if !stdjson.Valid(b) {
		t.Fatalf("not valid JSON:\n%s", b)
	}
	dec := stdjson.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestEveryKind(t *testing.T) {
	src := kindSource()
	res, out, err := export(t, context.Background(), src, kinds)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %q", res.Warnings)
	}
	if want := []dbbackup.TableCount{{Schema: "public", Name: "kinds", Rows: int64(len(kindRows))}}; !reflect.DeepEqual(res.Tables, want) {
		t.Errorf("Tables = %+v, want %+v", res.Tables, want)
	}
	if want := []dbbackup.RowsOptions{{ArraysAsJSON: true}}; !reflect.DeepEqual(src.opts, want) {
		t.Errorf("Rows options %+v, want %+v", src.opts, want)
	}

	doc := decode(t, out)
	if doc.Format != "dbbackup/1" || doc.Database != "shop" || doc.CreatedAt != "2026-02-10T02:00:00.0000005+03:00" {
		t.Errorf("header: %q %q %q", doc.Format, doc.Database, doc.CreatedAt)
	}
	if len(doc.Tables) != 1 {
		t.Fatalf("%d tables", len(doc.Tables))
	}
	tb := doc.Tables[0]
	if tb.Schema != "public" || tb.Name != "kinds" || tb.RowCount != num("7") || len(tb.Rows) != len(kindRows) {
		t.Fatalf("table %s.%s row_count %s, %d rows", tb.Schema, tb.Name, tb.RowCount, len(tb.Rows))
	}
	for i, c := range kinds.Columns {
		if want := map[string]string{"name": c.Name, "type": c.Type}; !reflect.DeepEqual(tb.Columns[i], want) {
			t.Errorf("column %d = %v, want %v", i, tb.Columns[i], want)
		}
	}
	for r, row := range tb.Rows {
		if len(row) != len(kinds.Columns) {
			t.Errorf("row %d has %d members", r, len(row))
		}
		for i, c := range kinds.Columns {
			got, want := row[c.Name], kindRows[r].want[i]
			if raw, ok := want.([]byte); ok {
				s, _ := got.(string)
				dec, err := base64.StdEncoding.DecodeString(s)
				if err != nil || !bytes.Equal(dec, raw) {
					t.Errorf("row %d %s = %#v, want base64 of %x", r, c.Name, got, raw)
				}
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("row %d %s: %q became %#v, want %#v", r, c.Name, kindRows[r].in[i], got, want)
			}
		}
	}
}

func TestNoTables(t *testing.T) {
	res, out, err := export(t, context.Background(), newFakeSource())
	if err != nil {
		t.Fatal(err)
	}
	if doc := decode(t, out); doc.Format != "dbbackup/1" || doc.Tables == nil || len(doc.Tables) != 0 || len(res.Tables) != 0 {
		t.Errorf("got %s", out)
	}
}

func TestOddValuesAreTextWithAWarning(t *testing.T) {
	tb := dbbackup.Table{Schema: "public", Name: "odd", Columns: []dbbackup.Column{
		{Name: "b", Type: "boolean", Kind: dbbackup.KindBool},
		{Name: "d", Type: "date", Kind: dbbackup.KindDate},
		{Name: "a", Type: "integer[]", Kind: dbbackup.KindArray},
		{Name: "n", Type: "integer", Kind: dbbackup.KindInt},
		{Name: "x", Type: "bytea", Kind: dbbackup.KindBytea},
		{Name: "j", Type: "json", Kind: dbbackup.KindJSON},
	}}
	src := newFakeSource()
	src.tables[tb.String()] = &fakeTable{rows: [][][]byte{
		{[]byte("yes"), []byte("10.02.2026"), []byte("(1,2)"), []byte("NaN"), []byte(`\001`), []byte("")},
		{[]byte("t"), []byte("2026-02-10"), []byte("[1,2]"), []byte("1"), []byte(`\x01`), []byte("1")},
	}}
	res, out, err := export(t, context.Background(), src, tb)
	if err != nil {
		t.Fatal(err)
	}
	row := decode(t, out).Tables[0].Rows[0]
	want := map[string]any{"b": "yes", "d": "10.02.2026", "a": "(1,2)", "n": "NaN", "x": `\001`, "j": ""}
	if !reflect.DeepEqual(row, want) {
		t.Errorf("row = %#v, want %#v", row, want)
	}
	if len(res.Warnings) != len(tb.Columns) {
		t.Errorf("warnings %q, want one per column", res.Warnings)
	}
}

func TestErrors(t *testing.T) {
	errBroken := errors.New("connection reset")
	tb := dbbackup.Table{Schema: "public", Name: "t", Columns: kinds.Columns[:1]}
	src := newFakeSource()
	src.tables[tb.String()] = &fakeTable{rows: [][][]byte{{[]byte("a")}}, err: errBroken}
	if _, _, err := export(t, context.Background(), src, tb); !errors.Is(err, errBroken) {
		t.Errorf("source error: got %v", err)
	}

	src.tables[tb.String()] = &fakeTable{rows: [][][]byte{{[]byte("a"), []byte("b")}}}
	if _, _, err := export(t, context.Background(), src, tb); err == nil {
		t.Error("a row with more values than columns: no error")
	}

	_, err := Exporter{}.Export(context.Background(), src, nil, filepath.Join(t.TempDir(), "missing", "x.json"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("create in a missing directory: %v", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	a := dbbackup.Table{Schema: "public", Name: "a", Columns: kinds.Columns[:1]}
	b := dbbackup.Table{Schema: "public", Name: "b", Columns: kinds.Columns[:1]}
	src := newFakeSource()
	src.tables[a.String()] = &fakeTable{n: 1000, gen: func(i int) [][]byte {
		if i == 10 {
			cancel() // the user gives up halfway through a
		}
		return [][]byte{[]byte("x")}
	}}
	src.tables[b.String()] = &fakeTable{}
	if _, _, err := export(t, ctx, src, a, b); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if len(src.opts) != 1 {
		t.Errorf("%d tables read, want 1", len(src.opts))
	}
	if _, _, err := export(t, ctx, src, b); !errors.Is(err, context.Canceled) || len(src.opts) != 1 {
		t.Errorf("cancelled before the start: %v after reading %d tables", err, len(src.opts))
	}
}

func TestTableWithoutColumns(t *testing.T) {
	// PostgreSQL allows CREATE TABLE t () and rows in it.
	tb := dbbackup.Table{Schema: "public", Name: "nothing"}
	src := newFakeSource()
	src.tables[tb.String()] = &fakeTable{rows: [][][]byte{{}, {}}}
	res, out, err := export(t, context.Background(), src, tb)
	if err != nil {
		t.Fatal(err)
	}
	got := decode(t, out).Tables[0]
	if len(got.Rows) != 2 || len(got.Rows[0]) != 0 || got.RowCount != "2" || res.Tables[0].Rows != 2 {
		t.Errorf("got %s", out)
	}
}
