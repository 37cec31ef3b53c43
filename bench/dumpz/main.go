// Command dumpz measures BACKUP_DUMP_COMPRESSION on the benchmark table
// (bench/benchtable, 1,000,000 rows by default): for each compression, the
// time of a `dbbackup run` of the dump format alone (pg_dump, fsync,
// checksums, store, verify), the size of the .dump, and the time pg_restore
// takes to read it back (to /dev/null: decompression and parsing, no
// database). A compression the pg_dump in use does not have is listed as
// such.
//
//	go run ./bench/dumpz                     # 0,1,6,9,lz4,zstd; median of 3
//	go run ./bench/dumpz -rows 3000000 -repeat 5 -compressions 6,zstd:3
//
// It needs a PostgreSQL server (BENCH_DATABASE_URL, default the local one),
// pg_dump and pg_restore. It creates the database dbbackup_bench_dumpz and
// drops it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup/bench/benchtable"
)

func main() {
	rows := flag.Int("rows", 1000000, "rows of the benchmark table")
	list := flag.String("compressions", "0,1,6,9,lz4,zstd", "values of BACKUP_DUMP_COMPRESSION to measure")
	repeat := flag.Int("repeat", 3, "runs of each; the median is reported")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()

	b, err := benchtable.Setup(ctx, "dbbackup_bench_dumpz", *rows)
	check(err)
	defer b.Close()
	version, _ := exec.Command("pg_dump", "--version").Output()

	type result struct {
		c, refused string
		run, read  float64
		size       int64
	}
	var results []result
	sizes := map[string]int64{}
	for _, c := range strings.Split(*list, ",") {
		dir := filepath.Join(b.Work, "backups")
		var runs, reads []float64
		var size int64
		var refused string
		for range *repeat {
			os.RemoveAll(dir)
			cmd := b.RunCommand("BACKUP_DIR="+dir, "BACKUP_FORMATS=dump", "BACKUP_DUMP_COMPRESSION="+c)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				refused = reason(string(out))
				break
			}
			runs = append(runs, time.Since(start).Seconds())
			dump, err := filepath.Glob(filepath.Join(dir, "*.dump"))
			check(err)
			if len(dump) != 1 {
				log.Fatalf("%s: want one .dump in %s, have %v", c, dir, dump)
			}
			st, err := os.Stat(dump[0])
			check(err)
			size = st.Size()
			start = time.Now()
			if out, err := exec.Command("pg_restore", "--file="+os.DevNull, dump[0]).CombinedOutput(); err != nil {
				log.Fatalf("pg_restore %s: %v\n%s", dump[0], err, out)
			}
			reads = append(reads, time.Since(start).Seconds())
		}
		os.RemoveAll(dir)
		if refused != "" {
			results = append(results, result{c: c, refused: refused})
			continue
		}
		results = append(results, result{c: c, run: median(runs), read: median(reads), size: size})
		sizes[c] = size
		fmt.Fprintf(os.Stderr, "%s: %.2f s, %d bytes\n", c, median(runs), size)
	}

	fmt.Printf("%d rows, %s, median of %d runs\n\n", *rows, strings.TrimSpace(string(version)), *repeat)
	fmt.Println("| BACKUP_DUMP_COMPRESSION | run seconds | rows/s | .dump MiB | × size of 6 (the default) | pg_restore reads it in |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, r := range results {
		if r.refused != "" {
			fmt.Printf("| %s | not available: %s | | | | |\n", r.c, r.refused)
			continue
		}
		ratio := "—"
		if base := sizes["6"]; base > 0 {
			ratio = fmt.Sprintf("%.2f", float64(r.size)/float64(base))
		}
		fmt.Printf("| %s | %.2f | %.0f | %.1f | %s | %.2f s |\n", r.c, r.run, float64(*rows)/r.run, float64(r.size)/(1<<20), ratio, r.read)
	}
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

// reason is the error line a refused run printed.
func reason(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for _, l := range lines {
		if r, ok := strings.CutPrefix(l, "Error: "); ok {
			return strings.ReplaceAll(r, "|", "/")
		}
	}
	return strings.ReplaceAll(lines[len(lines)-1], "|", "/")
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
