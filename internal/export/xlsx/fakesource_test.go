package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/dbbackup/dbbackup"
)

// fakeSource serves tables from memory, or generates their rows on the fly
// so that tests and benchmarks can stream millions of rows in flat memory.
// Like a careless real source, it ignores ctx: the exporter has to notice
// cancellation itself.
type fakeSource struct {
	tables map[string]fakeTable // by Table.String()
	served int64                // bytes of values handed out, for benchmarks
}

type fakeTable struct {
	rows [][][]byte // served as they are; or:
	n    int64      // the number of rows gen makes
	// gen fills row i into buf (one entry per column) and returns it.
	gen func(i int64, buf [][]byte) [][]byte
	err error // returned after the rows
}

var _ dbbackup.Source = (*fakeSource)(nil)

func newFakeSource() *fakeSource { return &fakeSource{tables: map[string]fakeTable{}} }

// add registers t with fixed rows.
func (s *fakeSource) add(t dbbackup.Table, rows ...[][]byte) dbbackup.Table {
	s.tables[t.String()] = fakeTable{rows: rows}
	return t
}

// addGen registers t with n generated rows.
func (s *fakeSource) addGen(t dbbackup.Table, n int64, gen func(i int64, buf [][]byte) [][]byte) dbbackup.Table {
	s.tables[t.String()] = fakeTable{n: n, gen: gen}
	return t
}

func (s *fakeSource) Info() dbbackup.SnapshotInfo {
	return dbbackup.SnapshotInfo{
		Database:     "test",
		SnapshotTime: time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC),
		TimeZone:     "UTC",
	}
}

func (s *fakeSource) CopyCSV(context.Context, dbbackup.Table, io.Writer) (int64, error) {
	return 0, errors.New("fakeSource: CopyCSV is not for the xlsx exporter")
}

func (s *fakeSource) Rows(_ context.Context, t dbbackup.Table, _ dbbackup.RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
	ft, ok := s.tables[t.String()]
	if !ok {
		return 0, fmt.Errorf("fakeSource: no table %s", t)
	}
	var n int64
	for _, r := range ft.rows {
		if err := fn(r, nil); err != nil {
			return n, err
		}
		n++
	}
	buf := make([][]byte, len(t.Columns))
	for i := int64(0); i < ft.n; i++ {
		values := ft.gen(i, buf)
		for _, v := range values {
			s.served += int64(len(v))
		}
		if err := fn(values, nil); err != nil {
			return n, err
		}
		n++
	}
	return n, ft.err
}

// row builds a row of text forms: nil is SQL NULL, a string its text.
func row(values ...any) [][]byte {
	r := make([][]byte, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case nil:
		case string:
			r[i] = []byte(v)
		default:
			panic(fmt.Sprintf("row: %T", v))
		}
	}
	return r
}

// table builds a table in schema public with columns "name:kind".
func table(name string, cols ...dbbackup.Column) dbbackup.Table {
	return dbbackup.Table{Schema: "public", Name: name, Columns: cols}
}

func col(name string, kind dbbackup.Kind) dbbackup.Column {
	return dbbackup.Column{Name: name, Type: kind.String(), Kind: kind}
}

// intRows generates rows with one int column holding the row number.
func intRows(i int64, buf [][]byte) [][]byte {
	buf[0] = strconv.AppendInt(buf[0][:0], i+1, 10)
	return buf
}
