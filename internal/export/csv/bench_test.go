package csv

import (
	"bytes"
	"compress/flate"
	"context"
	"io"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// synth makes rows of a 10-column table like a real one: text with
// commas, quotes, newlines and Cyrillic unique per row, int, numeric,
// timestamptz, date, jsonb, bool, float, uuid, and 10% NULL. It reuses its
// buffers, as a database driver does.
type synth struct {
	bufs [10][]byte
	vals [10][]byte
}

const synthHeader = "id,name,note,amount,created_at,day,data,active,score,uid\n"

func (s *synth) row(i int) [][]byte {
	b := &s.bufs
	b[0] = strconv.AppendInt(b[0][:0], int64(i), 10)
	b[1] = append(append(b[1][:0], "Клиент №"...), b[0]...)
	b[2] = append(append(append(b[2][:0], "Заказ "...), b[0]...), ", \"срочно\"\nвторая строка, ok"...)
	b[3] = append(strconv.AppendInt(b[3][:0], int64(i*7919%1000000000), 10), ".125000"...)
	b[4] = append(pad2(append(pad2(append(b[4][:0], "2026-02-10 02:"...), i/60%60), ':'), i%60), ".123456+03"...)
	b[5] = pad2(append(pad2(append(b[5][:0], "2026-"...), i%12+1), '-'), i%28+1)
	b[6] = append(append(append(b[6][:0], `{"n": `...), b[0]...), `, "ok": true, "tags": ["a", "b"]}`...)
	b[7] = append(b[7][:0], "ft"[i%2])
	b[8] = strconv.AppendFloat(b[8][:0], float64(i)*1.1, 'g', -1, 64)
	b[9] = strconv.AppendInt(append(b[9][:0], "6f1c2a9e-0000-4000-8000-1"...), int64(i)+1e10, 16)
	for c := range s.vals {
		s.vals[c] = b[c]
		if c > 0 && (i+c)%10 == 0 {
			s.vals[c] = nil // NULL: one column in ten
		}
	}
	return s.vals[:]
}

func pad2(dst []byte, n int) []byte { return append(dst, byte('0'+n/10), byte('0'+n%10)) }

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
		if _, err := io.WriteString(w, synthHeader); err != nil {
			return 0, err
		}
		var gen synth
		var line []byte
		for i := range rows {
			if replay != nil {
				line = replay[i%len(replay)]
			} else {
				line = appendCSVRow(line[:0], gen.row(i))
			}
			if _, err := w.Write(line); err != nil {
				return int64(i), err
			}
		}
		return int64(rows), ctx.Err()
	}
}

func replayRows() [][]byte {
	var gen synth
	rows := make([][]byte, 4096) // ~800 kB: far beyond deflate's 32 kB window
	for i := range rows {
		rows[i] = appendCSVRow(nil, gen.row(i))
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
	var gen synth
	var data []byte
	for i := 0; len(data) < 16<<20; i++ {
		data = appendCSVRow(data, gen.row(i))
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
