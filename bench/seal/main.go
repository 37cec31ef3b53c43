// Command seal measures BACKUP_COMPRESS and BACKUP_ENCRYPT_RECIPIENTS on
// the benchmark table (bench/benchtable, 1,000,000 rows by default): for
// csv and json, each stored plain, with zstd, with age, and with zstd then
// age, the time of a whole `dbbackup run` of that format alone (export,
// compression, encryption, fsync, checksums, store, verify), rows/s, the
// stored file's size and its ratio to the plain file.
//
//	go run ./bench/seal                         # csv,json; median of 3
//	go run ./bench/seal -rows 3000000 -repeat 5 -formats json
//
// The key is made with the age library: no age program is needed. It
// needs a PostgreSQL server (BENCH_DATABASE_URL, default the local one).
// It creates the database dbbackup_bench_seal and drops it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/dbbackup/dbbackup/bench/benchtable"
)

func main() {
	rows := flag.Int("rows", 1000000, "rows of the benchmark table")
	formats := flag.String("formats", "csv,json", "formats to measure")
	repeat := flag.Int("repeat", 3, "runs of each; the median is reported")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()

	b, err := benchtable.Setup(ctx, "dbbackup_bench_seal", *rows)
	check(err)
	defer b.Close()
	key, err := age.GenerateX25519Identity()
	check(err)
	recipient := key.Recipient().String()

	modes := []struct{ name, compress, recipients, suffix string }{
		{"plain", "none", "", ""},
		{"zstd", "zstd", "", ".zst"},
		{"age", "none", recipient, ".age"},
		{"zstd+age", "zstd", recipient, ".zst.age"},
	}
	fmt.Printf("%d rows of bench/benchtable, median of %d runs of `dbbackup run` (one format; the set's schema file too)\n\n", *rows, *repeat)
	fmt.Println("| format | stored as | run seconds | rows/s | × plain time | file MiB | × plain size |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|")
	for _, format := range strings.Split(*formats, ",") {
		var plainTime float64
		var plainSize int64
		for _, m := range modes {
			dir := filepath.Join(b.Work, "backups")
			var runs []float64
			var size int64
			for range *repeat {
				os.RemoveAll(dir)
				cmd := b.RunCommand("BACKUP_DIR="+dir, "BACKUP_FORMATS="+format,
					"BACKUP_COMPRESS="+m.compress, "BACKUP_ENCRYPT_RECIPIENTS="+m.recipients)
				start := time.Now()
				if out, err := cmd.CombinedOutput(); err != nil {
					log.Fatalf("%s %s: %v\n%s", format, m.name, err, out)
				}
				runs = append(runs, time.Since(start).Seconds())
				all, err := filepath.Glob(filepath.Join(dir, "*."+format+m.suffix))
				check(err)
				files := slices.DeleteFunc(all, func(f string) bool { return strings.HasSuffix(f, ".manifest.json") })
				if len(files) != 1 {
					log.Fatalf("%s %s: want one *.%s%s in %s, have %v", format, m.name, format, m.suffix, dir, files)
				}
				st, err := os.Stat(files[0])
				check(err)
				size = st.Size()
			}
			os.RemoveAll(dir)
			t := median(runs)
			if m.name == "plain" {
				plainTime, plainSize = t, size
			}
			fmt.Printf("| %s | %s | %.2f | %.0f | %.2f | %.1f | %.3f |\n", format, m.name, t, float64(*rows)/t,
				t/plainTime, float64(size)/(1<<20), float64(size)/float64(plainSize))
		}
	}
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
