// Package json writes the json format: the whole backup as one JSON
// document, streamed table by table and row by row:
//
//	{"format":"dbbackup/1","database":"shop","created_at":"2026-02-10T02:00:00+03:00","tables":[
//	{"schema":"public","name":"users","columns":[{"name":"id","type":"integer"},…],"rows":[
//	{"id":1,"name":"Анна",…},
//	…
//	],"row_count":2}
//	]}
//
// One row per line (unless a json value holds line breaks), so line tools
// work on it too. created_at is the snapshot's time; row_count follows the
// rows because only then is it known.
//
// Values, keyed by column name in the table's column order:
//
//   - SQL NULL is null; an empty string stays "".
//   - Integers, floats and numerics are JSON numbers with exactly the digits
//     PostgreSQL printed: numeric(40,10) keeps all its digits, floats print
//     the shortest form that reads back to the same float ("1e+100").
//     JSON does not limit a number's precision, but many readers turn
//     numbers into float64: to keep the digits use json.Number (Go),
//     parse_float=decimal.Decimal (Python) or a big-number option.
//   - NaN, Infinity and -Infinity have no JSON number: they are the strings
//     "NaN", "Infinity" and "-Infinity", which no reader mistakes for a
//     finite value.
//   - Booleans are true and false.
//   - json and jsonb values are embedded as they are, but for two kinds
//     of value that would read back as something else, which are written
//     wrapped as {"$json": VALUE}: a JSON null (null alone is SQL NULL)
//     and an object whose first member is "$json". A reader unwraps an
//     object whose one member is "$json" and takes every other value as
//     it is.
//   - Arrays are JSON arrays (PostgreSQL's to_json), nested for several
//     dimensions, whose elements are in to_json's forms, not the forms
//     above: dates and times ISO 8601 as PostgreSQL prints them ("BC"
//     appended: "0044-03-15 BC", "0044-03-15T12:00:00 BC"), bytea as the
//     string of its hex text ("\\x00ff"), composites as objects of their
//     fields, NaN and ±Infinity as strings. Two kinds of array, which to_json
//     would not keep whole, are instead the string of PostgreSQL's array
//     literal: an array whose lower bounds are not all 1
//     ("[0:2]={7,8,9}"), and every array of json or jsonb (to_json writes
//     their SQL NULL and JSON null elements alike, and their JSON array
//     elements like a second dimension).
//   - bytea is a base64 string (standard alphabet, padded).
//   - date, timestamp, timestamptz, time and timetz are RFC 3339 strings as
//     pgtext.Timestamp.AppendRFC3339 writes them: a timestamp without time
//     zone has no offset, infinity is "infinity".
//   - Everything else (text, uuid, interval, enums, money, …) is a string
//     of PostgreSQL's text form.
//
// Reader reads a document back and writes each table's rows in
// PostgreSQL's input forms, as COPY … FROM (FORMAT csv) loads them.
//
// A value not in the form its type promises (which would be a bug in the
// source) is written as a string of its text and reported in the
// result's Warnings, rather than failing the backup or breaking the
// document.
package json

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/dbbackup/dbbackup"
)

// DocumentFormat names the document's layout, in its "format" member.
const DocumentFormat = "dbbackup/1"

// Exporter writes FormatJSON. The zero value is ready to use.
type Exporter struct{}

var _ dbbackup.StreamExporter = Exporter{}

// Format returns dbbackup.FormatJSON.
func (Exporter) Format() dbbackup.Format { return dbbackup.FormatJSON }

// Extension is always ".json": every table goes into one document.
func (Exporter) Extension(tables []dbbackup.Table) string {
	return dbbackup.FormatJSON.Suffix(len(tables))
}

// Export writes tables to a new file at path. It neither syncs nor renames
// it: the caller does.
func (e Exporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	return dbbackup.ExportFile(ctx, e, src, tables, path, nil)
}

// ExportTo writes tables to w, as Export writes them to its file.
func (Exporter) ExportTo(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, w io.Writer) (dbbackup.ExportResult, error) {
	e := &encoder{w: bufio.NewWriterSize(w, 128<<10)}
	res, err := e.document(ctx, src, tables)
	if err == nil {
		err = e.w.Flush()
	}
	if err != nil {
		return dbbackup.ExportResult{}, err
	}
	return res, nil
}

// encoder builds each row in buf, reused from row to row, and hands it to
// w in one Write.
type encoder struct {
	w       *bufio.Writer
	buf     []byte
	scratch []byte // a decoded bytea
	chunk   []byte // a piece of a long value
}

func (e *encoder) document(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table) (dbbackup.ExportResult, error) {
	info := src.Info()
	b := append(e.buf[:0], `{"format":"`+DocumentFormat+`","database":`...)
	b = appendString(b, []byte(info.Database))
	b = append(b, `,"created_at":"`...)
	b = append(info.SnapshotTime.AppendFormat(b, time.RFC3339Nano), `","tables":[`...)
	if err := e.write(b); err != nil {
		return dbbackup.ExportResult{}, err
	}
	var res dbbackup.ExportResult
	for i, t := range tables {
		// A Source may not notice a cancelled context before its first row.
		if err := ctx.Err(); err != nil {
			return dbbackup.ExportResult{}, err
		}
		n, warnings, err := e.table(ctx, src, t, i > 0)
		if err != nil {
			return dbbackup.ExportResult{}, fmt.Errorf("table %s: %w", t, err)
		}
		res.Tables = append(res.Tables, dbbackup.TableCount{Schema: t.Schema, Name: t.Name, Rows: n})
		res.Warnings = append(res.Warnings, warnings...)
	}
	return res, e.write(append(e.buf[:0], "\n]}\n"...))
}

func (e *encoder) table(ctx context.Context, src dbbackup.Source, t dbbackup.Table, comma bool) (int64, []string, error) {
	keys, err := e.tableHead(t, comma)
	if err != nil {
		return 0, nil, err
	}
	odd := make([]int64, len(t.Columns)) // values written as text instead, per column
	var rows int64
	_, err = src.Rows(ctx, t, dbbackup.RowsOptions{ArraysAsJSON: true}, func(values [][]byte, long []*io.SectionReader) error {
		if len(values) != len(t.Columns) {
			return fmt.Errorf("row has %d values for %d columns", len(values), len(t.Columns))
		}
		b := e.buf[:0]
		if rows > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n', '{')
		for i, v := range values {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, keys[i]...)
			var ok bool
			if long != nil && long[i] != nil {
				if err := e.write(b); err != nil {
					return err
				}
				var err error
				if ok, err = e.writeLong(t.Columns[i].Kind, long[i]); err != nil {
					return err
				}
				b = e.buf[:0]
			} else {
				b, ok = e.appendValue(b, t.Columns[i].Kind, v)
			}
			if !ok {
				odd[i]++
			}
		}
		rows++
		return e.write(append(b, '}'))
	})
	if err != nil {
		return 0, nil, err
	}
	b := append(e.buf[:0], "\n],\"row_count\":"...)
	b = strconv.AppendInt(b, rows, 10)
	return rows, warnings(t, odd), e.write(append(b, '}'))
}

// tableHead writes a table's members up to the opening of "rows" and
// returns each column's member name, escaped once for every row.
func (e *encoder) tableHead(t dbbackup.Table, comma bool) (keys [][]byte, err error) {
	b := e.buf[:0]
	if comma {
		b = append(b, ',')
	}
	b = append(b, "\n{\"schema\":"...)
	b = appendString(b, []byte(t.Schema))
	b = append(b, `,"name":`...)
	b = appendString(b, []byte(t.Name))
	b = append(b, `,"columns":[`...)
	keys = make([][]byte, len(t.Columns))
	for i, c := range t.Columns {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendString(b, []byte(c.Name))
		b = append(b, `,"type":`...)
		b = appendString(b, []byte(c.Type))
		b = append(b, '}')
		keys[i] = append(appendString(nil, []byte(c.Name)), ':')
	}
	return keys, e.write(append(b, `],"rows":[`...))
}

// write hands b to the file and keeps its (maybe grown) array for the next
// row, unless one huge value made it too big to keep.
func (e *encoder) write(b []byte) error {
	e.buf = b
	if cap(b) > 1<<20 {
		e.buf = nil
	}
	_, err := e.w.Write(b)
	return err
}

func warnings(t dbbackup.Table, odd []int64) []string {
	var out []string
	for i, n := range odd {
		if n > 0 {
			c := t.Columns[i]
			out = append(out, fmt.Sprintf("json: %s column %q: %d values were not in the form of type %s and were written as text",
				t, c.Name, n, c.Type))
		}
	}
	return out
}
