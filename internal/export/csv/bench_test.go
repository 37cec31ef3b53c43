package csv

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/exporttest"
	"github.com/klauspost/compress/flate"
)

// appendCSVRow writes a row as COPY … CSV does.
func appendCSVRow(dst []byte, vals [][]byte) []byte {
	for c, v := range vals {
		if c > 0 {
			dst = append(dst, ',')
		}
		dst = appendCSVField(dst, v)
	}
	return append(dst, '\n')
}

// appendCSVField applies COPY's CSV rule: NULL is nothing, and a value is
// quoted when empty or holding a delimiter, quote or line break.
func appendCSVField(dst, v []byte) []byte {
	if v == nil {
		return dst
	}
	if len(v) > 0 && !bytes.ContainsAny(v, ",\"\r\n") && !bytes.Equal(v, []byte(`\.`)) {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	for _, c := range v {
		if c == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

// synthCopy writes rows like a COPY stream, one Write per row. With replay
// it cycles through pre-made rows, so that what is measured is the exporter.
func synthCopy(rows int, replay [][]byte) func(context.Context, io.Writer) (int64, error) {
	return func(ctx context.Context, w io.Writer) (int64, error) {
		if _, err := io.WriteString(w, exporttest.Header); err != nil {
			return 0, err
		}
		var gen exporttest.Synth
		var line []byte
		for i := range rows {
			if replay != nil {
				line = replay[i%len(replay)]
			} else {
				line = appendCSVRow(line[:0], gen.Row(i))
			}
			if _, err := w.Write(line); err != nil {
				return int64(i), err
			}
		}
		return int64(rows), ctx.Err()
	}
}

func replayRows() [][]byte {
	var gen exporttest.Synth
	rows := make([][]byte, 4096) // ~800 kB: far beyond deflate's 32 kB window
	for i := range rows {
		rows[i] = appendCSVRow(nil, gen.Row(i))
	}
	return rows
}

// BenchmarkExport exports b.N rows; generated includes making the rows, as
// a source must, replayed measures the exporter alone.
func BenchmarkExport(b *testing.B) {
	replay := replayRows()
	for _, tc := range []struct {
		name   string
		tables int
		replay [][]byte
	}{
		{"csv/generated", 1, nil}, {"csv/replayed", 1, replay},
		{"zip/generated", 2, nil}, {"zip/replayed", 2, replay},
	} {
		b.Run(tc.name, func(b *testing.B) {
			src := newFakeSource()
			var tables []dbbackup.Table
			for i := range tc.tables {
				t := table("public", "t"+strconv.Itoa(i))
				tables = append(tables, t)
				src.copies[t.String()] = synthCopy(b.N/tc.tables, tc.replay)
			}
			count := &countingSource{fakeSource: src}
			path := filepath.Join(b.TempDir(), "out")
			b.ResetTimer()
			start := time.Now()
			if _, err := (Exporter{}).Export(context.Background(), count, tables, path); err != nil {
				b.Fatal(err)
			}
			secs := time.Since(start).Seconds()
			b.ReportMetric(float64(b.N)/secs, "rows/s")
			b.ReportMetric(float64(count.n)/1e6/secs, "MB/s")
		})
	}
}

// countingSource counts the CSV bytes the source produced.
type countingSource struct {
	*fakeSource
	n int64
}

func (c *countingSource) CopyCSV(ctx context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	return c.fakeSource.CopyCSV(ctx, t, &counter{w: w, n: &c.n})
}

type counter struct {
	w io.Writer
	n *int64
}

func (c *counter) Write(p []byte) (int, error) {
	*c.n += int64(len(p))
	return c.w.Write(p)
}

// BenchmarkDeflateLevel is the measurement behind deflateLevel.
func BenchmarkDeflateLevel(b *testing.B) {
	var gen exporttest.Synth
	var data []byte
	for i := 0; len(data) < 16<<20; i++ {
		data = appendCSVRow(data, gen.Row(i))
	}
	for _, level := range []struct {
		name  string
		level int
	}{{"BestSpeed", flate.BestSpeed}, {"Default", flate.DefaultCompression}} {
		b.Run(level.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var out int
			for b.Loop() {
				cw := &counter{w: io.Discard, n: new(int64)}
				fw, _ := flate.NewWriter(cw, level.level)
				fw.Write(data)
				fw.Close()
				out = int(*cw.n)
			}
			b.ReportMetric(100*float64(out)/float64(len(data)), "%size")
		})
	}
}
