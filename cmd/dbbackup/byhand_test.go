package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestAnEncryptedSetOpensWithAgeAndZstd follows the README's recovery
// without this tool: every encrypted file of a compressed set, run through
// the age command (and zstd -d where it was compressed), gives back the
// bytes whose sha256 the manifest lists as plain_sha256. .ci/run installs
// both commands.
func TestAnEncryptedSetOpensWithAgeAndZstd(t *testing.T) {
	for _, tool := range []string{"age", "zstd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install age zstd)", tool)
		}
	}
	url := pgtest.NewDatabase(t, `CREATE TABLE t (id integer PRIMARY KEY, note text);
INSERT INTO t SELECT i, 'row ' || i FROM generate_series(1, 3000) i;`)
	dir := t.TempDir()
	key, keyFile := writeKey(t)
	backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,json,dump",
		"BACKUP_COMPRESS": "zstd", "BACKUP_ENCRYPT_RECIPIENTS": key.Recipient().String()})
	m := readManifestFile(t, only(t, dir, ".manifest.json"))
	opened := 0
	for _, f := range m.Files {
		if !f.Encrypted {
			continue
		}
		decrypt := exec.Command("age", "-d", "-i", keyFile, filepath.Join(dir, f.Name))
		decrypt.Stderr = os.Stderr
		var out io.Reader
		var wait []*exec.Cmd
		plain, err := decrypt.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, wait = plain, []*exec.Cmd{decrypt}
		if f.Compression == "zstd" {
			unzstd := exec.Command("zstd", "-d", "-c")
			unzstd.Stdin, unzstd.Stderr = plain, os.Stderr
			if out, err = unzstd.StdoutPipe(); err != nil {
				t.Fatal(err)
			}
			wait = append(wait, unzstd)
		}
		for _, c := range wait {
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
		}
		h := sha256.New()
		n, err := io.Copy(h, out)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range wait {
			if err := c.Wait(); err != nil {
				t.Fatalf("%s on %s: %v", strings.Join(c.Args, " "), f.Name, err)
			}
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != f.PlainSHA256 || n != f.PlainSize {
			t.Errorf("%s by hand: %d bytes with sha256 %s, the manifest says %d bytes with %s", f.Name, n, got, f.PlainSize, f.PlainSHA256)
		}
		opened++
	}
	if opened < 4 { // the schema file, csv, json and dump
		t.Errorf("opened %d encrypted files, want the schema file's, the csv's, the json's and the dump's", opened)
	}
}
