package json

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/exporttest"
)

// BenchmarkExport exports b.N rows of exporttest.Table; generated includes
// making the rows, as a source must, replayed cycles through rows made
// beforehand and so measures the exporter alone.
func BenchmarkExport(b *testing.B) {
	var gen exporttest.Synth
	replay := make([][][]byte, 4096)
	for i := range replay {
		for _, v := range gen.Row(i) {
			replay[i] = append(replay[i], append([]byte(nil), v...))
		}
	}
	for _, tc := range []struct {
		name string
		row  func(i int) [][]byte
	}{
		{"generated", gen.Row},
		{"replayed", func(i int) [][]byte { return replay[i%len(replay)] }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			src := newFakeSource()
			src.tables[exporttest.Table.String()] = &fakeTable{n: b.N, gen: tc.row}
			path := filepath.Join(b.TempDir(), "out.json")
			b.ResetTimer()
			start := time.Now()
			res, err := (Exporter{}).Export(context.Background(), src, []dbbackup.Table{exporttest.Table}, path)
			if err != nil || len(res.Warnings) > 0 {
				b.Fatal(err, res.Warnings)
			}
			secs := time.Since(start).Seconds()
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/secs, "rows/s")
			b.ReportMetric(float64(fi.Size())/1e6/secs, "MB/s")
		})
	}
}

// BenchmarkRead reads back a document of b.N rows of exporttest.Table
// into CSV records.
func BenchmarkRead(b *testing.B) {
	var gen exporttest.Synth
	src := newFakeSource()
	src.tables[exporttest.Table.String()] = &fakeTable{n: b.N, gen: gen.Row}
	path := filepath.Join(b.TempDir(), "out.json")
	if _, err := (Exporter{}).Export(context.Background(), src, []dbbackup.Table{exporttest.Table}, path); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.ResetTimer()
	start := time.Now()
	r := NewReader(f)
	if _, err := r.Next(); err != nil {
		b.Fatal(err)
	}
	n, err := r.WriteCSV(io.Discard, exporttest.Table.Columns)
	if err != nil || n != int64(b.N) {
		b.Fatal(n, err)
	}
	secs := time.Since(start).Seconds()
	fi, _ := f.Stat()
	b.ReportMetric(float64(b.N)/secs, "rows/s")
	b.ReportMetric(float64(fi.Size())/1e6/secs, "MB/s")
}
