package exporttest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/dbbackup/dbbackup"
)

// NewSource returns a Source that serves Tables from memory as PostgreSQL
// would: Rows in its text forms, CopyCSV in its CSV dialect, and, like
// a driver, it stops with ctx's error once ctx is done.
func NewSource() dbbackup.Source { return memSource{} }

type memSource struct{}

func (memSource) Info() dbbackup.SnapshotInfo {
	return dbbackup.SnapshotInfo{
		Database:      "exporttest",
		ServerVersion: "15.20",
		ServerMajor:   15,
		SnapshotTime:  time.Date(2026, 2, 10, 2, 0, 0, 0, time.FixedZone("MSK", 3*3600)),
		TimeZone:      "Europe/Moscow",
	}
}

func (memSource) Rows(ctx context.Context, t dbbackup.Table, _ dbbackup.RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
	if err := known(t); err != nil {
		return 0, err
	}
	var n int64
	err := eachRow(t, func(values [][]byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		return fn(values, nil)
	})
	return n, err
}

func (memSource) CopyCSV(ctx context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	if err := known(t); err != nil {
		return 0, err
	}
	var line []byte
	for i, c := range t.Columns {
		line = appendCSV(line, i, []byte(c.Name))
	}
	if _, err := w.Write(append(line, '\n')); err != nil {
		return 0, err
	}
	var n int64
	err := eachRow(t, func(values [][]byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		line = line[:0]
		for i, v := range values {
			line = appendCSV(line, i, v)
		}
		if _, err := w.Write(append(line, '\n')); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

func known(t dbbackup.Table) error {
	for _, k := range Tables() {
		if k.String() == t.String() {
			return nil
		}
	}
	return fmt.Errorf("exporttest: no table %s", t)
}

// appendCSV appends field i of a line in COPY's CSV form: NULL as
// nothing, a value quoted when it is empty or holds a delimiter, a quote
// or a line break.
func appendCSV(line []byte, i int, v []byte) []byte {
	if i > 0 {
		line = append(line, ',')
	}
	if v == nil {
		return line
	}
	if len(v) > 0 && !bytes.ContainsAny(v, ",\"\r\n") {
		return append(line, v...)
	}
	line = append(line, '"')
	line = append(line, bytes.ReplaceAll(v, []byte(`"`), []byte(`""`))...)
	return append(line, '"')
}
