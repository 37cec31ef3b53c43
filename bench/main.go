// Command bench measures dbbackup against PostgreSQL's own \copy on one
// table of 1,000,000 (and 3,000,000) rows × 10 mixed columns: throughput per
// format as a ratio to \copy, and the peak memory (RSS) of each run.
//
//	go run ./bench                      # 1M and 3M rows
//	go run ./bench -rows 1000000        # one size
//	go run ./bench -formats csv,json    # some formats
//	go run ./bench -repeat 5            # the median of 5 runs each (default 3)
//	go run ./bench -rows '' -huge-mb 200 # only the huge-value table
//
// The huge-value case is a table of one row holding a text and a bytea of
// -huge-mb MB each (default 200; 0 skips it): memory must stay flat
// whatever a value's size, so its peak RSS is the figure to watch. RSS is
// the whole process tree's peak (for dump, pg_dump's own).
//
// It needs a PostgreSQL server (BENCH_DATABASE_URL, default the local one),
// psql, and pg_dump. It creates the database dbbackup_bench and drops it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dbbackup/dbbackup/bench/benchtable"
	"github.com/jackc/pgx/v5"
)

func main() {
	rowsFlag := flag.String("rows", "1000000,3000000", "table sizes to measure, comma-separated")
	formatsFlag := flag.String("formats", "csv,json,xlsx,dump", "formats to measure")
	repeat := flag.Int("repeat", 3, "runs of each measurement; the median is reported")
	hugeMB := flag.Int("huge-mb", 200, "size in MB of the text and the bytea of the huge-value table (0 skips it)")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()

	url, drop, err := benchtable.NewDatabase(ctx, "dbbackup_bench")
	must(err)
	defer drop()

	work, err := os.MkdirTemp("", "dbbackup-bench-")
	must(err)
	defer os.RemoveAll(work)
	bin, envFile, err := benchtable.Build(work)
	must(err)

	r := runner{bin: bin, envFile: envFile, url: url, work: work, repeat: *repeat}
	fmt.Printf("machine: %d cores, %s\n\n", numCPU(), goVersion())
	fmt.Println("| rows | format | seconds | rows/s | MB/s | × \\copy | peak RSS | file |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|")
	for _, s := range strings.Split(*rowsFlag, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		must(err)
		db, err := pgx.Connect(ctx, url)
		must(err)
		_, err = db.Exec(ctx, strings.ReplaceAll(benchtable.SQL, "$1", strconv.Itoa(n)))
		must(err)
		db.Close(ctx)

		out := filepath.Join(work, "copy.csv")
		copySecs, copyRSS := median(*repeat, func() (float64, int64) {
			return measure(exec.Command("psql", url, "-q", "-c", `\copy bench TO '`+out+`' CSV HEADER`))
		})
		st, err := os.Stat(out)
		must(err)
		os.Remove(out)
		copyRate := float64(n) / copySecs
		row(n, `psql \copy CSV`, copySecs, copyRate, st.Size(), 1, copyRSS)

		for _, f := range strings.Split(*formatsFlag, ",") {
			secs, rss, size := r.run("public.bench", f)
			row(n, f, secs, float64(n)/secs, size, float64(n)/secs/copyRate, rss)
		}
	}
	if *hugeMB > 0 {
		huge(ctx, r, *hugeMB, strings.Split(*formatsFlag, ","))
	}
}

// runner runs dbbackup on one table of the bench database.
type runner struct {
	bin, envFile, url, work string
	repeat                  int
}

// run backs up table in format, r.repeat times, and returns the median
// time, the largest peak RSS and the size of the files.
func (r runner) run(table, format string) (secs float64, rss, size int64) {
	dir := filepath.Join(r.work, "backups-"+format)
	defer os.RemoveAll(dir)
	secs, rss = median(r.repeat, func() (float64, int64) {
		os.RemoveAll(dir)
		cmd := exec.Command(r.bin, "run", "--env-file", r.envFile)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+r.url, "BACKUP_DIR="+dir,
			"BACKUP_FORMATS="+format, "BACKUP_TABLES="+table, "LOG_LEVEL=warn")
		secs, rss := measure(cmd)
		size = dirSize(dir)
		return secs, rss
	})
	return secs, rss, size
}

// hugeSQL makes one row with a text of $1 bytes (Cyrillic, commas, quotes
// and line breaks, so every writer escapes) and a bytea of $1 bytes.
const hugeSQL = `
DROP TABLE IF EXISTS huge;
CREATE UNLOGGED TABLE huge (id int, t text, b bytea);
INSERT INTO huge SELECT 1, repeat('Имя, "клиент" №1' || E'\nстрока; tab\t', $1 / 46),
  decode(repeat('00ff7f8022', $1 / 5), 'hex');`

// huge measures each format on a table holding one huge text and one huge
// bytea: the peak RSS must not grow with the values.
func huge(ctx context.Context, r runner, mb int, formats []string) {
	db, err := pgx.Connect(ctx, r.url)
	must(err)
	_, err = db.Exec(ctx, strings.ReplaceAll(hugeSQL, "$1", strconv.Itoa(mb*1000*1000)))
	must(err)
	db.Close(ctx)
	fmt.Printf("\none row: a text of %d MB and a bytea of %d MB\n\n", mb, mb)
	fmt.Println("| format | seconds | peak RSS | file |")
	fmt.Println("|---|---:|---:|---:|")
	for _, f := range formats {
		secs, rss, size := r.run("public.huge", f)
		fmt.Printf("| %s | %.2f | %d MiB | %d MiB |\n", f, secs, rss>>20, size>>20)
	}
}

func row(n int, what string, secs, rate float64, size int64, ratio float64, rss int64) {
	fmt.Printf("| %d | %s | %.2f | %.0f | %.1f | %.2f | %d MiB | %d MiB |\n",
		n, what, secs, rate, float64(size)/secs/1e6, ratio, rss>>20, size>>20)
}

// median runs fn n times and returns the median time and the largest RSS:
// one machine's noise moves single runs by ±20 %.
func median(n int, fn func() (float64, int64)) (float64, int64) {
	times := make([]float64, n)
	var rss int64
	for i := range times {
		var r int64
		times[i], r = fn()
		rss = max(rss, r)
	}
	sort.Float64s(times)
	return times[n/2], rss
}

// measure runs cmd and returns its wall time and peak resident memory.
func measure(cmd *exec.Cmd) (float64, int64) {
	cmd.Stderr = os.Stderr
	start := time.Now()
	must(cmd.Run())
	secs := time.Since(start).Seconds()
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return secs, ru.Maxrss << 10 // Linux reports KiB
}

func dirSize(dir string) int64 {
	var total int64
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() && !strings.HasSuffix(p, ".manifest.json") {
			total += info.Size()
		}
		return nil
	})
	return total
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

func goVersion() string {
	out, _ := exec.Command("go", "version").Output()
	return strings.TrimSpace(string(out))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
