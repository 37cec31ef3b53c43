package exporttest

import (
	"strings"

	"github.com/dbbackup/dbbackup"
)

// The contract suite's tables, in the order it exports them: Table with
// OrdersRows rows, a table with no rows, and a small one whose names need
// quoting, with a NULL and an empty string.
var (
	Empty = dbbackup.Table{Schema: "public", Name: "empty", Columns: []dbbackup.Column{
		{Name: "id", Type: "bigint", Kind: dbbackup.KindInt},
		{Name: "note", Type: "text", Kind: dbbackup.KindText},
	}}
	Lines = dbbackup.Table{Schema: "Sales", Name: "order lines", Columns: []dbbackup.Column{
		{Name: "id", Type: "integer", Kind: dbbackup.KindInt},
		{Name: "Note", Type: "text", Kind: dbbackup.KindText},
	}}
)

// OrdersRows is how many rows of Table the suite exports: enough for an
// exporter to be cancelled in the middle of it.
const OrdersRows = 2500

// Tables are the suite's tables, in export order.
func Tables() []dbbackup.Table { return []dbbackup.Table{Table, Empty, Lines} }

// linesRows are Lines' rows.
var linesRows = [][][]byte{
	{[]byte("1"), []byte(`a, "quoted" note`)},
	{[]byte("2"), []byte("")},
	{[]byte("3"), nil},
}

// rowCount is the number of rows of t, one of Tables.
func rowCount(t dbbackup.Table) int64 {
	switch t.String() {
	case Table.String():
		return OrdersRows
	case Lines.String():
		return int64(len(linesRows))
	}
	return 0
}

// eachRow calls fn with every row of t, one of Tables, in PostgreSQL's
// text form; a row's slices are reused for the next one, as a driver does.
// It stops at fn's first error.
func eachRow(t dbbackup.Table, fn func(values [][]byte) error) error {
	var gen Synth
	for i := range rowCount(t) {
		var row [][]byte
		if t.String() == Table.String() {
			row = gen.Row(int(i))
		} else {
			row = linesRows[i]
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

// Script creates Tables with their rows, for pgtest.NewDatabase: an
// exporter that reads PostgreSQL by itself (pg_dump) runs the suite on it.
func Script() string {
	var b strings.Builder
	b.WriteString("CREATE SCHEMA " + ident(Lines.Schema) + ";\n")
	for _, t := range Tables() {
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = ident(c.Name) + " " + c.Type
		}
		b.WriteString("CREATE TABLE " + name(t) + " (" + strings.Join(cols, ", ") + ");\n")
		if rowCount(t) == 0 {
			continue
		}
		b.WriteString("INSERT INTO " + name(t) + " VALUES\n")
		n := 0
		eachRow(t, func(values [][]byte) error {
			if n++; n > 1 {
				b.WriteString(",\n")
			}
			b.WriteByte('(')
			for i, v := range values {
				if i > 0 {
					b.WriteString(", ")
				}
				if v == nil {
					b.WriteString("NULL")
				} else {
					b.WriteString("'" + strings.ReplaceAll(string(v), "'", "''") + "'")
				}
			}
			b.WriteByte(')')
			return nil
		})
		b.WriteString(";\n")
	}
	return b.String()
}

func name(t dbbackup.Table) string { return ident(t.Schema) + "." + ident(t.Name) }

func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
