package dbbackup

import (
	"bytes"
	"context"
	"io"
)

// RowsFunc reads a table's rows as Source.Rows does.
type RowsFunc func(ctx context.Context, t Table, opt RowsOptions, fn func(values [][]byte, long []*io.SectionReader) error) (int64, error)

// CSVRecords hears the records WriteCSV writes but the header, each
// without its "\n": whole (Add), or, a record holding a long value, in
// pieces (Part, then Add of its last piece). internal/fingerprint.Hash is
// one.
type CSVRecords interface {
	Part(p []byte)
	Add(record []byte)
}

// CSVWriterFrom is what a Source may also do: write what its CopyCSV
// writes, and whatever CopyCSV does beside (postgres.Snapshot keeps the
// table's fingerprint), from the rows read gives instead of a read of its
// own: a fan-out's view reads the rows once for every format.
type CSVWriterFrom interface {
	CopyCSVFrom(ctx context.Context, read RowsFunc, t Table, w io.Writer) (rows int64, err error)
}

// WriteCSV writes table t to w, byte for byte, as COPY … TO STDOUT WITH
// (FORMAT csv, HEADER) writes it, from the text read gives (Source.Rows:
// the server's text forms): the columns COPY writes (no generated one), a
// header line, NULL as an unquoted empty field. It tells rec (when not
// nil) every record but the header. It returns the number of rows written.
// postgres.Snapshot's CopyCSV is this (its test compares the bytes with
// the server's own COPY), and so is a fan-out view's: one piece of code
// writes PostgreSQL's CSV.
func WriteCSV(ctx context.Context, read RowsFunc, t Table, w io.Writer, rec CSVRecords) (int64, error) {
	t = t.Copied() // as COPY: no generated column
	single := len(t.Columns) == 1
	var line []byte
	for i, c := range t.Columns {
		if i > 0 {
			line = append(line, ',')
		}
		line = appendCSV(line, []byte(c.Name), single)
	}
	line = append(line, '\n')
	if _, err := w.Write(line); err != nil {
		return 0, err
	}
	var chunk []byte
	return read(ctx, t, RowsOptions{}, func(values [][]byte, long []*io.SectionReader) error {
		line = line[:0]
		for i, v := range values {
			if i > 0 {
				line = append(line, ',')
			}
			if long != nil && long[i] != nil {
				// The record goes out in pieces: rec hears each.
				if _, err := w.Write(line); err != nil {
					return err
				}
				if chunk == nil {
					chunk = make([]byte, 64<<10)
				}
				lw := w
				if rec != nil {
					rec.Part(line)
					lw = io.MultiWriter(w, partWriter{rec})
				}
				if err := copyCSV(lw, long[i], chunk); err != nil {
					return err
				}
				line = line[:0]
			} else if v != nil { // NULL is an empty, unquoted field
				line = appendCSV(line, v, single)
			}
		}
		if rec != nil {
			rec.Add(line) // closes a record begun in pieces
		}
		line = append(line, '\n')
		_, err := w.Write(line)
		return err
	})
}

// partWriter tells rec what is written, as a piece of a record.
type partWriter struct{ rec CSVRecords }

func (p partWriter) Write(b []byte) (int, error) {
	p.rec.Part(b)
	return len(b), nil
}

// copyCSV writes a long value as appendCSV would, through buf: it reads
// the value once to decide on quotes, then again to write it. (A long
// value is never empty nor \. alone.)
func copyCSV(w io.Writer, v *io.SectionReader, buf []byte) error {
	quote := false
	for off := int64(0); off < v.Size() && !quote; {
		n, err := v.ReadAt(buf, off)
		if n == 0 && err != nil {
			return err
		}
		quote = needsQuotes(buf[:n])
		off += int64(n)
	}
	if !quote {
		_, err := io.CopyBuffer(w, io.NewSectionReader(v, 0, v.Size()), buf)
		return err
	}
	out := []byte{'"'}
	for off := int64(0); off < v.Size(); {
		n, err := v.ReadAt(buf, off)
		if n == 0 && err != nil {
			return err
		}
		off += int64(n)
		out = appendQuoted(out, buf[:n])
		if _, err := w.Write(out); err != nil {
			return err
		}
		out = out[:0]
	}
	_, err := w.Write([]byte{'"'})
	return err
}

// appendCSV appends a non-NULL value as PostgreSQL's CSV writer does
// (CopyAttributeOutCSV): quoted when it is empty (which would read back as
// NULL), holds a comma, a quote, CR or LF, or is \. alone in a one-column
// table (the old end-of-data marker); quotes inside are doubled.
func appendCSV(dst, v []byte, single bool) []byte {
	quote := len(v) == 0 || needsQuotes(v) || (single && string(v) == `\.`)
	if !quote {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	return append(appendQuoted(dst, v), '"')
}

// csvSpecial marks the bytes that make a CSV field quoted.
var csvSpecial = [256]bool{',': true, '"': true, '\r': true, '\n': true}

// needsQuotes tells whether v holds a byte that must be quoted. A loop over
// a table: bytes.ContainsAny built its set anew for every value, and took
// 5 % of a default run's CPU.
func needsQuotes(v []byte) bool {
	for _, c := range v {
		if csvSpecial[c] {
			return true
		}
	}
	return false
}

// appendQuoted appends v with its quotes doubled.
func appendQuoted(dst, v []byte) []byte {
	for {
		i := bytes.IndexByte(v, '"')
		if i < 0 {
			break
		}
		dst = append(dst, v[:i+1]...)
		dst = append(dst, '"')
		v = v[i+1:]
	}
	return append(dst, v...)
}
