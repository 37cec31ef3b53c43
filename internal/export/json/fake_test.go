package json

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/dbbackup/dbbackup"
)

// fakeSource serves rows from memory, or makes them on the fly for tables
// too large to hold.
type fakeSource struct {
	info   dbbackup.SnapshotInfo
	tables map[string]*fakeTable
	opts   []dbbackup.RowsOptions // as Rows was called
}

type fakeTable struct {
	rows [][][]byte
	n    int                  // with gen: how many rows to make
	gen  func(i int) [][]byte // row i; may reuse its slices, as a driver does
	err  error                // returned after the rows
}

func newFakeSource() *fakeSource {
	return &fakeSource{
		info: dbbackup.SnapshotInfo{
			Database:     "shop",
			SnapshotTime: time.Date(2026, 2, 10, 2, 0, 0, 500, time.FixedZone("MSK", 3*3600)),
		},
		tables: map[string]*fakeTable{},
	}
}

func (s *fakeSource) Info() dbbackup.SnapshotInfo { return s.info }

func (s *fakeSource) Rows(ctx context.Context, t dbbackup.Table, opt dbbackup.RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
	s.opts = append(s.opts, opt)
	ft, ok := s.tables[t.String()]
	if !ok {
		return 0, errors.New("no such table")
	}
	n := len(ft.rows)
	if ft.gen != nil {
		n = ft.n
	}
	for i := range n {
		if err := ctx.Err(); err != nil {
			return int64(i), err
		}
		var row [][]byte
		if ft.gen != nil {
			row = ft.gen(i)
		} else {
			row = ft.rows[i]
		}
		if err := fn(row, nil); err != nil {
			return int64(i), err
		}
	}
	return int64(n), ft.err
}

func (s *fakeSource) CopyCSV(context.Context, dbbackup.Table, io.Writer) (int64, error) {
	return 0, errors.New("the json exporter must use Rows, not COPY")
}
