package postgres

import (
	"context"
	"io"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/fingerprint"
)

// CopyCSV implements dbbackup.Source. It writes, byte for byte, what
// COPY … TO STDOUT WITH (FORMAT csv, HEADER) writes, but formats the rows
// here from the text the server sends for a SELECT (the same output
// functions, the same session settings), with dbbackup.WriteCSV. The
// server's COPY formats every row on its one backend core, which then
// bounds the export; formatting here moves that work to this process's
// core, so the two run in parallel. The test compares the bytes with the
// server's own COPY.
//
// It fingerprints the rows as it writes them (see Fingerprint): a table
// read in full here costs nothing more to fingerprint.
func (s *Snapshot) CopyCSV(ctx context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	return s.CopyCSVFrom(ctx, s.Rows, t, w)
}

var _ dbbackup.CSVWriterFrom = (*Snapshot)(nil)

// CopyCSVFrom implements dbbackup.CSVWriterFrom: CopyCSV, from the rows
// read gives (the run's fan-out reads them once for every format), which
// must be this snapshot's.
func (s *Snapshot) CopyCSVFrom(ctx context.Context, read dbbackup.RowsFunc, t dbbackup.Table, w io.Writer) (int64, error) {
	var h fingerprint.Hash
	n, err := writeCSV(ctx, read, t, w, &h)
	if err == nil {
		s.remember(t, h.Sum())
	}
	return n, err
}

// writeCSV is dbbackup.WriteCSV, adding every record but the header to h
// (h nil: to none, which only the benchmark wants).
func writeCSV(ctx context.Context, read dbbackup.RowsFunc, t dbbackup.Table, w io.Writer, h *fingerprint.Hash) (int64, error) {
	if h == nil {
		return dbbackup.WriteCSV(ctx, read, t, w, nil)
	}
	return dbbackup.WriteCSV(ctx, read, t, w, h)
}
