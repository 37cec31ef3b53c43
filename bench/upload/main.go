// Command upload measures dbbackup's Google Drive upload (resumable, in
// chunks, md5-verified, with the official client) against plain curl
// uploads of the same file to the same fake Google on loopback.
//
//	go run ./bench/upload              # a 512 MiB file, 16 MiB chunks, 3 runs each
//	go run ./bench/upload -mib 128 -chunk-mib 8 -repeat 5
//
// The fake runs in this process; each upload, ours and curl's, runs as a
// process of its own (ours is this program again, with -client), so that
// both pay for starting and both are timed the same way: from start to
// exit, as seen from here. Runs alternate, ours then the curls, and every
// stored file is deleted before the next run. The figures are the median
// of -repeat runs each; a peak RSS is the largest of its runs. It needs
// curl and GNU time (/usr/bin/time, for curl's peak RSS).
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/bench/benchdrive"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

func main() {
	mib := flag.Int("mib", 512, "file size in MiB")
	chunk := flag.Int("chunk-mib", 16, "upload chunk size in MiB (BACKUP_UPLOAD_CHUNK_MB)")
	repeat := flag.Int("repeat", 3, "runs of each upload; the median is reported")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the fake (this process) to `file`")
	clientProfile := flag.String("client-cpuprofile", "", "write a CPU profile of our uploading process to `file` (of its last run)")
	client := flag.String("client", "", "internal: upload -file to the fake at this address and exit")
	folder := flag.String("folder", "", "internal: the folder to upload into")
	token := flag.String("token", "", "internal: the token file to upload with")
	file := flag.String("file", "", "internal: the file to upload")
	sum := flag.String("md5", "", "internal: the file's md5")
	name := flag.String("name", "", "internal: the name to store the file under")
	flag.Parse()
	log.SetFlags(0)
	if *client != "" {
		upload(*client, *folder, *token, *file, *sum, *name, *chunk<<20, *clientProfile)
		return
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		must(err)
		must(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}

	dir, err := os.MkdirTemp("", "upload-bench-")
	must(err)
	defer os.RemoveAll(dir)
	fake, err := benchdrive.Start(dir, 0)
	must(err)
	defer fake.Close()
	access := fake.AccessToken(googlefake.ScopeDrive)
	path := filepath.Join(dir, "backup_20260210_020000.dump")
	md5sum := writeRandom(path, int64(*mib)<<20)
	self, err := os.Executable()
	must(err)
	curlBin, err := exec.LookPath("curl")
	must(err)

	var ours []time.Duration
	var curls [2][]time.Duration
	var rss int64
	var curlRSS [2]int64
	for i := range *repeat {
		args := []string{"-client", fake.URL, "-folder", fake.Folder, "-token", fake.Token, "-file", path, "-md5", md5sum,
			"-name", fmt.Sprintf("backup_20260210_020000_%d.dump", i), "-chunk-mib", strconv.Itoa(*chunk)}
		if *clientProfile != "" {
			args = append(args, "-client-cpuprofile", *clientProfile)
		}
		d, out := timed(self, args...)
		kib, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
		if err != nil {
			log.Fatalf("our upload: %s", out)
		}
		ours, rss = append(ours, d), max(rss, kib<<10)
		must(fake.Clean())

		// Two plain curl uploads: --data-binary @file, as curl's manual
		// posts a file (curl reads it all into memory, then sends it), and
		// -T file, which streams it.
		for j, how := range curlWays {
			d, kib := curl(curlBin, how.args(path), access, fake.URL)
			curls[j], curlRSS[j] = append(curls[j], d), max(curlRSS[j], kib<<10)
			must(fake.Clean())
		}
		log.Printf("run %d: dbbackup %.2f s, curl %s %.2f s, curl %s %.2f s", i+1, ours[i].Seconds(),
			curlWays[0].flag, curls[0][i].Seconds(), curlWays[1].flag, curls[1][i].Seconds())
	}

	o := median(ours)
	best := min(median(curls[0]), median(curls[1]))
	mb := float64(*mib) * 1.048576
	fmt.Printf("| upload of %d MiB to the fake on loopback (median of %d) | seconds | MB/s | × curl | peak RSS |\n|---|---:|---:|---:|---:|\n", *mib, *repeat)
	fmt.Printf("| dbbackup (resumable, %d MiB chunks, md5 verified) | %.2f | %.0f | %.2f | %d MiB |\n", *chunk, o.Seconds(), mb/o.Seconds(), best.Seconds()/o.Seconds(), rss>>20)
	for j, how := range curlWays {
		c := median(curls[j])
		fmt.Printf("| curl %s (one request, uploadType=media) | %.2f | %.0f | %.2f | %d MiB |\n", how.flag, c.Seconds(), mb/c.Seconds(), best.Seconds()/c.Seconds(), curlRSS[j]>>20)
	}
	fmt.Println("\n× curl: the speed over the faster curl's.")
}

// curlWay is one way to have curl send a file.
type curlWay struct{ flag, prefix string }

var curlWays = [2]curlWay{{"--data-binary", "@"}, {"-T", ""}}

func (c curlWay) args(path string) []string { return []string{c.flag, c.prefix + path} }

// curl posts the file with uploadType=media under /usr/bin/time, and
// returns how long it took and curl's peak RSS in KiB.
func curl(bin string, body []string, access, url string) (time.Duration, int64) {
	args := append([]string{"-f", "%M", bin, "-sS", "-o", "/dev/null", "-w", "%{http_code}\n", "-X", "POST",
		"-H", "Authorization: Bearer " + access, "-H", "Content-Type: application/octet-stream"}, body...)
	d, out := timed("/usr/bin/time", append(args, url+"/upload/drive/v3/files?uploadType=media")...)
	fields := strings.Fields(out)
	if len(fields) != 2 || fields[0] != "200" {
		log.Fatalf("curl %s: %s", body[0], out)
	}
	kib, err := strconv.ParseInt(fields[1], 10, 64)
	must(err)
	return d, kib
}

// upload is our side: one Put through the Drive destination, as a run
// does, then the process's peak RSS in KiB on stdout.
func upload(url, folder, token, path, sum, name string, chunk int, profile string) {
	ctx := context.Background()
	if profile != "" {
		f, err := os.Create(profile)
		must(err)
		must(pprof.StartCPUProfile(f))
	}
	d, err := benchdrive.Dest(ctx, url, folder, token, chunk)
	must(err)
	f, err := os.Open(path)
	must(err)
	defer f.Close()
	st, err := f.Stat()
	must(err)
	_, err = d.Put(ctx, dbbackup.File{Name: name, SetID: "backup_20260210_020000", Format: dbbackup.FormatDump,
		Size: st.Size(), MD5: sum}, f)
	must(err)
	if profile != "" {
		pprof.StopCPUProfile()
	}
	fmt.Println(peakRSS())
}

// peakRSS is this process's VmHWM in KiB. (The rusage of a child is no
// use here: Linux counts into it the parent's RSS at the fork.)
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	must(err)
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			must(err)
			return n
		}
	}
	log.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// timed runs a command and returns how long it took and its output.
func timed(name string, args ...string) (time.Duration, string) {
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		log.Fatalf("%s: %v\n%s", name, err, out.String())
	}
	return d, out.String()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func writeRandom(path string, n int64) string {
	f, err := os.Create(path)
	must(err)
	defer f.Close()
	h := md5.New()
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 1<<20)
	for written := int64(0); written < n; written += int64(len(buf)) {
		for i := 0; i < len(buf); i += 8 {
			v := r.Uint64()
			for j := 0; j < 8; j++ {
				buf[i+j] = byte(v >> (8 * j))
			}
		}
		_, err := f.Write(buf)
		must(err)
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
