package xlsx

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// BenchmarkExport exports a synthetic table of 10 mixed columns, 100,000
// rows an iteration unless XLSX_BENCH_ROWS says otherwise. It reports
// rows/s, the file's size, MB/s of values read (PostgreSQL's text forms)
// and of file written, and the process's peak RSS on Linux. To measure the targets (1M and 3M rows, flat RSS):
//
//	go test -c -o /tmp/xlsx.test ./internal/export/xlsx/
//	XLSX_BENCH_ROWS=1000000 /usr/bin/time -v /tmp/xlsx.test -test.run '^$' \
//	    -test.bench BenchmarkExport -test.benchtime 1x -test.benchmem
//	XLSX_BENCH_ROWS=3000000 /usr/bin/time -v /tmp/xlsx.test -test.run '^$' \
//	    -test.bench BenchmarkExport -test.benchtime 1x -test.benchmem
//
// "Maximum resident set size" in /usr/bin/time's output is the peak RSS.
func BenchmarkExport(b *testing.B) {
	rows := int64(100_000)
	if s := os.Getenv("XLSX_BENCH_ROWS"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatalf("XLSX_BENCH_ROWS: %v", err)
		}
		rows = n
	}
	src := newFakeSource()
	tb := src.addGen(benchTable, rows, benchRows())
	path := filepath.Join(b.TempDir(), "bench.xlsx")
	var size int64
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := (&Exporter{}).Export(context.Background(), src, []dbbackup.Table{tb}, path); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size = fi.Size()
		b.StartTimer()
	}
	elapsed := time.Since(start).Seconds()
	b.ReportMetric(float64(rows)*float64(b.N)/elapsed, "rows/s")
	b.ReportMetric(float64(size)/1e6, "file-MB")
	b.ReportMetric(float64(src.served)/elapsed/1e6, "in-MB/s")
	b.ReportMetric(float64(size)*float64(b.N)/elapsed/1e6, "out-MB/s")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
	}
}

var benchTable = table("bench",
	col("note", dbbackup.KindText),
	col("id", dbbackup.KindInt),
	col("amount", dbbackup.KindNumeric),
	col("created_at", dbbackup.KindTimestampTZ),
	col("day", dbbackup.KindDate),
	col("payload", dbbackup.KindJSON),
	col("active", dbbackup.KindBool),
	col("score", dbbackup.KindFloat),
	col("uid", dbbackup.KindUUID),
	col("label", dbbackup.KindText),
)

var benchEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3*3600))

// benchRows returns a generator of rows like a real table's: text unique
// to the row with commas, quotes, a newline and Cyrillic; about one value
// in ten NULL. It reuses its buffers, as a real Source does.
func benchRows() func(i int64, buf [][]byte) [][]byte {
	store := make([][]byte, len(benchTable.Columns))
	return func(i int64, buf [][]byte) [][]byte {
		for c := range buf {
			buf[c] = nil
			if (i*7+int64(c)*3)%10 != 0 {
				store[c] = benchValue(store[c][:0], i, c)
				buf[c] = store[c]
			}
		}
		return buf
	}
}

func benchValue(b []byte, i int64, c int) []byte {
	switch c {
	case 0:
		b = append(b, `Заказ №`...)
		b = strconv.AppendInt(b, i, 10)
		b = append(b, `, клиент "Иванов, Пётр"`+"\n"+`доставка до двери, комментарий `...)
		b = strconv.AppendInt(b, i*31%100000, 36)
	case 1:
		b = strconv.AppendInt(b, i*1000003, 10)
	case 2:
		b = strconv.AppendInt(b, i%1000000, 10)
		b = append(b, '.')
		b = strconv.AppendInt(b, 10+i%90, 10)
	case 3:
		b = benchEpoch.Add(time.Duration(i)*1733*time.Millisecond).AppendFormat(b, "2006-01-02 15:04:05.999999-07")
	case 4:
		b = benchEpoch.AddDate(0, 0, int(i%3000)).AppendFormat(b, "2006-01-02")
	case 5:
		b = append(b, `{"id": `...)
		b = strconv.AppendInt(b, i, 10)
		b = append(b, `, "tags": ["a", "b"], "ok": true}`...)
	case 6:
		b = append(b, "tf"[i%2])
	case 7:
		b = strconv.AppendFloat(b, float64(i)/7, 'g', -1, 64)
	case 8:
		b = append(b, "a0eebc99-9c0b-4ef8-bb6d-"...)
		b = strconv.AppendInt(b, 100000000000+i, 16)
	case 9:
		b = append(b, "label-"...)
		b = strconv.AppendInt(b, i%5000, 10)
	}
	return b
}
