package csv

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/dbbackup/dbbackup"
)

// fakeSource serves each table's COPY output from memory, or from a
// function for tables too large to hold.
type fakeSource struct {
	info   dbbackup.SnapshotInfo
	copies map[string]func(ctx context.Context, w io.Writer) (int64, error)
	called []string // tables CopyCSV was asked for, in order
}

func newFakeSource() *fakeSource {
	return &fakeSource{
		info: dbbackup.SnapshotInfo{
			Database:     "shop",
			SnapshotTime: time.Date(2026, 2, 10, 2, 0, 0, 0, time.FixedZone("MSK", 3*3600)),
		},
		copies: map[string]func(context.Context, io.Writer) (int64, error){},
	}
}

// add serves csv, which holds a header and rows lines, for table t; err,
// when set, comes after the bytes.
func (s *fakeSource) add(t dbbackup.Table, csv string, rows int64, err error) {
	s.copies[t.String()] = func(ctx context.Context, w io.Writer) (int64, error) {
		if _, werr := io.WriteString(w, csv); werr != nil {
			return 0, werr
		}
		return rows, err
	}
}

func (s *fakeSource) Info() dbbackup.SnapshotInfo { return s.info }

func (s *fakeSource) CopyCSV(ctx context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	s.called = append(s.called, t.String())
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	copy, ok := s.copies[t.String()]
	if !ok {
		return 0, errors.New("no such table")
	}
	return copy(ctx, w)
}

func (s *fakeSource) Rows(context.Context, dbbackup.Table, dbbackup.RowsOptions, func([][]byte, []*io.SectionReader) error) (int64, error) {
	return 0, errors.New("the csv exporter must use COPY, not Rows")
}
