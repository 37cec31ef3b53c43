package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/bench/benchdrive"
)

// The default run writes csv, xlsx and json from one read of each table,
// all three at once, and stores each file while the others are written. It
// is measured against the same formats run alone: to the local folder, and
// then to a fake Google Drive behind a line of -drive-mbps.

// defaultFormats are the formats of the default run.
var defaultFormats = []string{"csv", "xlsx", "json"}

const (
	// localTarget is how much longer the default run may take than the
	// slowest of its formats alone: the formats share the read, so the
	// run should cost little more than its slowest writer.
	localTarget = 1.15
	// driveTarget is how much longer the run to Drive may take than the
	// longer of exporting and uploading alone: uploads overlap the export.
	driveTarget = 1.2
	// driveRSSTarget is the most memory the run to Drive may use.
	driveRSSTarget = 100 << 20
	// flatWithin is how much the run to Drive's peak RSS may grow from the
	// smallest table to the largest and still be flat.
	flatWithin = 0.15
	// chunkMB is BACKUP_UPLOAD_CHUNK_MB, its default.
	chunkMB = 16
)

// defaultRun is what one table size measured: times are medians.
type defaultRun struct {
	rows               int
	slowest            string  // the slowest of defaultFormats alone
	alone              float64 // its time, measured turn about with local
	local              float64 // the default run to the local folder
	setSize            int64   // the bytes of the set it made
	upload             float64 // storing that set into the fake Drive; 0 without one
	drive              float64 // the default run to the fake Drive; 0 without one
	localRSS, driveRSS int64
}

func hasDefaultFormats(formats []string) bool {
	for _, f := range defaultFormats {
		if !slices.Contains(formats, f) {
			return false
		}
	}
	return true
}

// defaultRun measures the default run on n rows; alone holds each format's
// time alone, measured just before, which names the slowest. fake is nil
// when not measuring Drive.
func (r runner) defaultRun(n int, alone map[string]float64, fake *benchdrive.Fake) defaultRun {
	d := defaultRun{rows: n}
	slowest := 0.0
	for _, f := range defaultFormats {
		if alone[f] > slowest {
			d.slowest, slowest = f, alone[f]
		}
	}
	env := []string{"BACKUP_FORMATS=" + strings.Join(defaultFormats, ","), "BACKUP_TABLES=public.bench"}
	dir := filepath.Join(r.b.Work, "backups-default")
	defer os.RemoveAll(dir)
	// The slowest format alone is timed again, turn about with the default
	// run: the two figures compared see the same machine.
	aloneDir := filepath.Join(r.b.Work, "backups-alone")
	defer os.RemoveAll(aloneDir)
	secs, rss := turnAbout(r.repeat, func() (float64, int64) {
		os.RemoveAll(aloneDir)
		return measure(r.b.RunCommand("BACKUP_DIR="+aloneDir, "BACKUP_FORMATS="+d.slowest, "BACKUP_TABLES=public.bench"))
	}, func() (float64, int64) {
		os.RemoveAll(dir)
		return measure(r.b.RunCommand(append(env, "BACKUP_DIR="+dir)...))
	})
	d.alone, d.local, d.localRSS = secs[0], secs[1], rss[1]
	if fake == nil {
		return d
	}

	// The last local run's set is the one uploaded alone.
	files := setFiles(dir)
	for _, f := range files {
		d.setSize += f.Size
	}
	d.upload, _ = median(r.repeat, func() (float64, int64) { return upload(fake, dir, files), 0 })

	staging := filepath.Join(r.b.Work, "staging-drive")
	defer os.RemoveAll(staging)
	d.drive, d.driveRSS = median(r.repeat, func() (float64, int64) {
		os.RemoveAll(staging)
		secs, rss := measure(r.b.RunCommand(append(append(env, "BACKUP_DIR="+staging), fake.Env(chunkMB)...)...))
		if stored := len(fake.Stored()); stored != len(files) {
			log.Fatalf("the run to the fake Drive stored %d files, the local run %d", stored, len(files))
		}
		must(fake.Clean())
		return secs, rss
	})
	return d
}

// setFiles is the set a run left in dir, each file as a run hands it to
// Put (name, set, format, size and md5), the manifest last as a run
// stores it.
func setFiles(dir string) []dbbackup.File {
	entries, err := os.ReadDir(dir)
	must(err)
	var files []dbbackup.File
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		f := dbbackup.File{Name: e.Name(), Database: "dbbackup_bench", Job: dbbackup.DefaultJob}
		var ok bool
		if f.SetID, f.Format, ok = dbbackup.ParseFileName(f.Name); !ok {
			log.Fatalf("%s in %s is not a file of a set", f.Name, dir)
		}
		f.Size, f.MD5 = md5File(filepath.Join(dir, f.Name))
		files = append(files, f)
	}
	slices.SortStableFunc(files, func(a, b dbbackup.File) int {
		return isManifest(a) - isManifest(b)
	})
	return files
}

func isManifest(f dbbackup.File) int {
	if f.Format == dbbackup.FormatManifest {
		return 1
	}
	return 0
}

func md5File(path string) (int64, string) {
	f, err := os.Open(path)
	must(err)
	defer f.Close()
	h := md5.New()
	n, err := io.Copy(h, f)
	must(err)
	return n, hex.EncodeToString(h.Sum(nil))
}

// upload stores files, from dir, into the fake's folder one after another
// through the Drive destination, as a run stores its set, and returns how
// long that took. It empties the folder after.
func upload(fake *benchdrive.Fake, dir string, files []dbbackup.File) float64 {
	ctx := context.Background()
	dest, err := benchdrive.Dest(ctx, fake.URL, fake.Folder, fake.Token, chunkMB<<20)
	must(err)
	start := time.Now()
	for _, f := range files {
		in, err := os.Open(filepath.Join(dir, f.Name))
		must(err)
		_, err = dest.Put(ctx, f, in)
		in.Close()
		must(err)
	}
	secs := time.Since(start).Seconds()
	must(fake.Clean())
	return secs
}

// printDefaultRuns prints the default run's tables, and whether each
// figure meets its target.
func printDefaultRuns(runs []defaultRun, driveMBps int) {
	if len(runs) == 0 {
		return
	}
	fmt.Printf("\nthe default run (BACKUP_FORMATS=%s: one read of each table, the files written at once) against its slowest format alone\n\n",
		strings.Join(defaultFormats, ","))
	fmt.Println("| rows | run | seconds | × slowest format alone | target | peak RSS |")
	fmt.Println("|---:|---|---:|---:|---|---:|")
	for _, d := range runs {
		ratio := d.local / d.alone
		fmt.Printf("| %d | to the local folder | %.2f | %.2f (%s: %.2f s) | ≤ %.2f %s | %d MiB |\n",
			d.rows, d.local, ratio, d.slowest, d.alone, localTarget, verdict(ratio <= localTarget), d.localRSS>>20)
	}
	if driveMBps <= 0 {
		return
	}
	fmt.Printf("\nthe same run to a fake Google Drive whose uploads take at most %d MB/s (%d MiB chunks): export alone is the run to the local folder, upload alone stores its set\n\n",
		driveMBps, chunkMB)
	fmt.Println("| rows | export alone | upload alone | end to end | × the longer of the two | target | peak RSS |")
	fmt.Println("|---:|---:|---:|---:|---:|---|---:|")
	for _, d := range runs {
		ratio := d.drive / max(d.local, d.upload)
		fmt.Printf("| %d | %.2f | %.2f (%.0f MB) | %.2f | %.2f | ≤ %.1f %s | %d MiB (< %d MiB %s) |\n",
			d.rows, d.local, d.upload, float64(d.setSize)/1e6, d.drive, ratio, driveTarget, verdict(ratio <= driveTarget),
			d.driveRSS>>20, driveRSSTarget>>20, verdict(d.driveRSS < driveRSSTarget))
	}
	small, large := runs[0], runs[0]
	for _, d := range runs {
		if d.rows < small.rows {
			small = d
		}
		if d.rows > large.rows {
			large = d
		}
	}
	if small.rows == large.rows {
		fmt.Println("\nend-to-end peak RSS flat across sizes: not measured (one size)")
		return
	}
	growth := float64(large.driveRSS)/float64(small.driveRSS) - 1
	fmt.Printf("\nend-to-end peak RSS from %d to %d rows: %d → %d MiB (%+.0f %%), flat within %.0f %%: %s\n",
		small.rows, large.rows, small.driveRSS>>20, large.driveRSS>>20, growth*100, flatWithin*100,
		verdict(growth <= flatWithin && growth >= -flatWithin))
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}
