// Command upload measures dbbackup's Google Drive upload (resumable, in
// chunks, md5-verified, with the official client) against a plain curl
// upload of the same file to the same fake Google on loopback.
//
//	go run ./bench/upload              # a 512 MiB file, 16 MiB chunks
//	go run ./bench/upload -mib 128 -chunk-mib 8
package main

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/drive"
	"github.com/dbbackup/dbbackup/internal/googleauth"
	"github.com/dbbackup/dbbackup/internal/googlefake"
)

func main() {
	mib := flag.Int("mib", 512, "file size in MiB")
	chunk := flag.Int("chunk-mib", 16, "upload chunk size in MiB (BACKUP_UPLOAD_CHUNK_MB)")
	flag.Parse()
	log.SetFlags(0)
	ctx := context.Background()

	fake := googlefake.New()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	folder := fake.AddFolder("Backups").ID

	dir, err := os.MkdirTemp("", "upload-bench-")
	must(err)
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "backup_20260210_020000.dump")
	sum := writeRandom(path, int64(*mib)<<20)

	tok := &googleauth.Token{ClientID: googlefake.DefaultClientID, ClientSecret: googlefake.DefaultClientSecret,
		RefreshToken: googlefake.DefaultRefreshToken, TokenURI: srv.URL + "/token"}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ts := googleauth.TokenSource(ctx, tok.Config([]string{googlefake.ScopeDrive}), tok, filepath.Join(dir, "token.json"), quiet)
	d, err := drive.New(ctx, drive.Options{FolderID: folder, Endpoint: srv.URL + "/", ChunkSize: *chunk << 20,
		HTTPClient: ts.Client(nil), Unauthorized: ts.Invalidate})
	must(err)

	f, err := os.Open(path)
	must(err)
	start := time.Now()
	_, err = d.Put(ctx, dbbackup.File{Name: filepath.Base(path), SetID: "backup_20260210_020000", Format: dbbackup.FormatDump,
		Size: int64(*mib) << 20, MD5: sum}, f)
	must(err)
	ours := time.Since(start)
	f.Close()

	access := fake.AccessToken(googlefake.ScopeDrive)
	start = time.Now()
	out, err := exec.Command("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
		"-H", "Authorization: Bearer "+access, "-H", "Content-Type: application/octet-stream",
		"--data-binary", "@"+path, srv.URL+"/upload/drive/v3/files?uploadType=media").CombinedOutput()
	curl := time.Since(start)
	if err != nil || string(out) != "200" {
		log.Fatalf("curl: %v %s", err, out)
	}

	mb := float64(*mib) * 1.048576
	fmt.Printf("| upload of %d MiB to the fake on loopback | seconds | MB/s |\n|---|---:|---:|\n", *mib)
	fmt.Printf("| dbbackup (resumable, %d MiB chunks, md5 verified) | %.2f | %.0f |\n", *chunk, ours.Seconds(), mb/ours.Seconds())
	fmt.Printf("| curl --data-binary (one request, uploadType=media) | %.2f | %.0f |\n", curl.Seconds(), mb/curl.Seconds())
	fmt.Printf("| ratio | | %.2f |\n", curl.Seconds()/ours.Seconds())
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
		f.Write(buf)
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
