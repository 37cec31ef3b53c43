// Command bench measures dbbackup against PostgreSQL's own \copy on one
// table of 1,000,000 (and 3,000,000) rows × 10 mixed columns: throughput per
// format as a ratio to \copy, and the peak memory (RSS) of each run.
//
//	go run ./bench                      # 1M and 3M rows
//	go run ./bench -rows 1000000        # one size
//	go run ./bench -formats csv,json    # some formats
//	go run ./bench -repeat 5            # the median of 5 runs each (default 3)
//	go run ./bench -drive-mbps 0        # no run to the fake Google Drive
//	go run ./bench -rows '' -huge-mb 200 # only the huge-value table
//
// When the formats include csv, xlsx and json, each size also times the
// default run, BACKUP_FORMATS=csv,xlsx,json (one read of each table, the
// three files written at once), and prints it in a second table against
// the slowest of the three alone, timed again turn about with it (the
// machine's speed drifts over minutes): the target is at most 1.15 times as
// long.
// A third table runs it to a fake Google Drive (internal/googlefake, served
// by this process) whose uploads are read at -drive-mbps MB/s (default 50,
// all uploads together): the run to the local folder (export alone), the
// upload of its set's files one after another as a run stores them (upload
// alone), and the run to Drive (end to end). Targets: end to end at most
// 1.2 times the longer of the two, under 100 MiB of RSS, and that RSS flat
// (within 15 %) from the smallest size to the largest. The fake keeps what
// it stores in memory, here, until the folder is emptied after each run.
//
// The huge-value case is a table of one row holding a text and a bytea of
// -huge-mb MB each (default 200; 0 skips it): memory must stay flat
// whatever a value's size, so its peak RSS is the figure to watch. RSS is
// the whole process tree's peak (for dump, pg_dump's own), as GNU time
// reports it. Every run has BACKUP_VERIFY=never: a restore test is not
// what is timed.
//
// It needs a PostgreSQL server (BENCH_DATABASE_URL, default the local one),
// psql, pg_dump and GNU time (/usr/bin/time). It creates the database
// dbbackup_bench and drops it.
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
	"time"

	"github.com/dbbackup/dbbackup/bench/benchdrive"
	"github.com/dbbackup/dbbackup/bench/benchtable"
	"github.com/jackc/pgx/v5"
)

func main() {
	rowsFlag := flag.String("rows", "1000000,3000000", "table sizes to measure, comma-separated")
	formatsFlag := flag.String("formats", "csv,json,xlsx,dump", "formats to measure")
	repeat := flag.Int("repeat", 3, "runs of each measurement; the median is reported")
	hugeMB := flag.Int("huge-mb", 200, "size in MB of the text and the bytea of the huge-value table (0 skips it)")
	driveMBps := flag.Int("drive-mbps", 50, "speed in MB/s of the line to the fake Google Drive the default run is also measured to (0 skips it)")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()

	b, err := benchtable.Setup(ctx, "dbbackup_bench", 0)
	must(err)
	defer b.Close()
	formats := strings.Split(*formatsFlag, ",")
	var fake *benchdrive.Fake
	if *driveMBps > 0 && hasDefaultFormats(formats) {
		fake, err = benchdrive.Start(b.Work, *driveMBps*1000*1000)
		must(err)
		defer fake.Close()
	}

	r := runner{b: b, repeat: *repeat}
	var defaults []defaultRun
	fmt.Printf("machine: %d cores, %s\n\n", numCPU(), goVersion())
	fmt.Println("| rows | format | seconds | rows/s | MB/s | × \\copy | peak RSS | file |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|")
	for _, s := range strings.Split(*rowsFlag, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		must(err)
		must(benchtable.Fill(ctx, b.URL, n))

		out := filepath.Join(b.Work, "copy.csv")
		copySecs, copyRSS := median(*repeat, func() (float64, int64) {
			return measure(exec.Command("psql", b.URL, "-q", "-c", `\copy bench TO '`+out+`' CSV HEADER`))
		})
		st, err := os.Stat(out)
		must(err)
		os.Remove(out)
		copyRate := float64(n) / copySecs
		row(n, `psql \copy CSV`, copySecs, copyRate, st.Size(), 1, copyRSS)

		alone := map[string]float64{}
		for _, f := range formats {
			secs, rss, size := r.run("public.bench", f)
			row(n, f, secs, float64(n)/secs, size, float64(n)/secs/copyRate, rss)
			alone[f] = secs
		}
		if hasDefaultFormats(formats) {
			defaults = append(defaults, r.defaultRun(n, alone, fake))
		}
	}
	printDefaultRuns(defaults, *driveMBps)
	if *hugeMB > 0 {
		huge(ctx, r, *hugeMB, formats)
	}
}

// runner runs dbbackup on one table of the bench database.
type runner struct {
	b      *benchtable.Bench
	repeat int
}

// run backs up table in format, r.repeat times, and returns the median
// time, the largest peak RSS and the size of the files.
func (r runner) run(table, format string) (secs float64, rss, size int64) {
	dir := filepath.Join(r.b.Work, "backups-"+format)
	defer os.RemoveAll(dir)
	secs, rss = median(r.repeat, func() (float64, int64) {
		os.RemoveAll(dir)
		secs, rss := measure(r.b.RunCommand("BACKUP_DIR="+dir, "BACKUP_FORMATS="+format, "BACKUP_TABLES="+table))
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
	db, err := pgx.Connect(ctx, r.b.URL)
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
	secs, rss := turnAbout(n, fn)
	return secs[0], rss[0]
}

// turnAbout runs each of fns in turn, n times over, and returns the median
// time and the largest RSS of each: figures to be compared see the same
// machine, whose speed drifts over minutes.
func turnAbout(n int, fns ...func() (float64, int64)) (secs []float64, rss []int64) {
	times := make([][]float64, len(fns))
	rss = make([]int64, len(fns))
	for range n {
		for i, fn := range fns {
			t, r := fn()
			times[i] = append(times[i], t)
			rss[i] = max(rss[i], r)
		}
	}
	for _, t := range times {
		sort.Float64s(t)
		secs = append(secs, t[n/2])
	}
	return secs, rss
}

// measure runs cmd under GNU time and returns its wall time and the peak
// resident memory of its process tree. Not the rusage Go gets for cmd:
// Linux counts into a child's peak the peak of the process that started
// it, and this one holds the fake Drive's files.
func measure(cmd *exec.Cmd) (float64, int64) {
	out, err := os.CreateTemp("", "dbbackup-bench-rss-")
	must(err)
	out.Close()
	defer os.Remove(out.Name())
	cmd.Args = append([]string{gnuTime, "-f", "%M", "-o", out.Name(), cmd.Path}, cmd.Args[1:]...)
	cmd.Path = gnuTime
	cmd.Stderr = os.Stderr
	start := time.Now()
	must(cmd.Run())
	secs := time.Since(start).Seconds()
	kib, err := os.ReadFile(out.Name())
	must(err)
	n, err := strconv.ParseInt(strings.TrimSpace(string(kib)), 10, 64)
	must(err)
	return secs, n << 10
}

const gnuTime = "/usr/bin/time"

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
