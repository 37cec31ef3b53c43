package postgres

import (
	"bytes"
	"context"
	"io"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/fingerprint"
)

// CopyCSV implements dbbackup.Source. It writes, byte for byte, what
// COPY … TO STDOUT WITH (FORMAT csv, HEADER) writes, but formats the rows
// here from the text the server sends for a SELECT (the same output
// functions, the same session settings). The server's COPY formats every
// row on its one backend core, which then bounds the export; formatting
// here moves that work to this process's core, so the two run in parallel.
// The test compares the bytes with the server's own COPY.
//
// It fingerprints the rows as it writes them (see Fingerprint): a table
// read in full here costs nothing more to fingerprint.
func (s *Snapshot) CopyCSV(ctx context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	var h fingerprint.Hash
	n, err := writeCSV(ctx, s.Rows, t, w, &h)
	if err == nil {
		s.remember(t, h.Sum())
	}
	return n, err
}

// writeCSV writes the rows read gives as COPY … (FORMAT csv, HEADER) and
// adds every record but the header to h, as it builds it (h nil: to none,
// which only the benchmark wants).
func writeCSV(ctx context.Context, read readFunc, t dbbackup.Table, w io.Writer, h *fingerprint.Hash) (int64, error) {
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
	return read(ctx, t, dbbackup.RowsOptions{}, func(values [][]byte, long []*io.SectionReader) error {
		line = line[:0]
		for i, v := range values {
			if i > 0 {
				line = append(line, ',')
			}
			if long != nil && long[i] != nil {
				// The record goes out in pieces: the hash takes each.
				if _, err := w.Write(line); err != nil {
					return err
				}
				if chunk == nil {
					chunk = make([]byte, 64<<10)
				}
				lw := w
				if h != nil {
					h.Part(line)
					lw = io.MultiWriter(w, partWriter{h})
				}
				if err := copyCSV(lw, long[i], chunk); err != nil {
					return err
				}
				line = line[:0]
			} else if v != nil { // NULL is an empty, unquoted field
				line = appendCSV(line, v, single)
			}
		}
		if h != nil {
			h.Add(line) // closes a record begun in pieces
		}
		line = append(line, '\n')
		_, err := w.Write(line)
		return err
	})
}

// readFunc reads a table's rows: Snapshot.Rows.
type readFunc func(ctx context.Context, t dbbackup.Table, opt dbbackup.RowsOptions, fn func(values [][]byte, long []*io.SectionReader) error) (int64, error)

// partWriter adds what is written to the record h is building.
type partWriter struct{ h *fingerprint.Hash }

func (p partWriter) Write(b []byte) (int, error) {
	p.h.Part(b)
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
		quote = bytes.ContainsAny(buf[:n], ",\"\r\n")
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
	quote := len(v) == 0 || bytes.ContainsAny(v, ",\"\r\n") || (single && string(v) == `\.`)
	if !quote {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	return append(appendQuoted(dst, v), '"')
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
