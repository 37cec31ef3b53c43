package localdir_test

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/destinationtest"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

func TestContract(t *testing.T) {
	destinationtest.Run(t, func(t *testing.T) dbbackup.Destination {
		d, err := localdir.New(filepath.Join(t.TempDir(), "backups"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			// Nothing the contract did may leave a temporary file behind.
			entries, _ := os.ReadDir(d.Path())
			for _, e := range entries {
				if e.Name()[0] == '.' {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
		return d
	})
}

func TestRefusesPathsOutsideTheFolder(t *testing.T) {
	d, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"../x", "a/b", ".hidden", "", `a\b`} {
		if _, err := d.Open(context.Background(), dbbackup.File{ID: name}); err == nil {
			t.Errorf("Open(%q) succeeded", name)
		}
		if err := d.Delete(context.Background(), dbbackup.File{ID: name}); err == nil {
			t.Errorf("Delete(%q) succeeded", name)
		}
	}
}

// newStaging is a local folder beside a staging folder, as a run has
// them: stage writes data to a staged file and opens it, to be closed at
// the test's end.
func newStaging(t *testing.T) (d *localdir.Dir, stage func(name string, data []byte) *os.File) {
	t.Helper()
	dir := t.TempDir()
	d, err := localdir.New(filepath.Join(dir, "backups"))
	if err != nil {
		t.Fatal(err)
	}
	return d, func(name string, data []byte) *os.File {
		t.Helper()
		src := filepath.Join(dir, name)
		if err := os.WriteFile(src, data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
}

func TestPutOfASealedFileLinksIt(t *testing.T) {
	d, stage := newStaging(t)
	data := []byte("id,name\n1,x\n")
	f := stage("staged", data)
	src := f.Name()
	sum := md5.Sum(data)
	in := dbbackup.File{Name: "backup_20260210_020000.csv", Size: int64(len(data)), MD5: hex.EncodeToString(sum[:])}
	stored, err := d.Put(context.Background(), in, f)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.Stat(src)
	b, _ := os.Stat(filepath.Join(d.Path(), stored.Name))
	if !os.SameFile(a, b) {
		t.Fatal("the sealed file was copied, not linked")
	}
	os.Remove(src) // the run removes its staging folder
	if got, _ := os.ReadFile(filepath.Join(d.Path(), stored.Name)); string(got) != string(data) {
		t.Fatalf("stored file reads %q", got)
	}
	// A second Put of the name is refused, by link as by copy.
	g, _ := os.Open(filepath.Join(d.Path(), stored.Name))
	defer g.Close()
	if _, err := d.Put(context.Background(), in, g); err == nil {
		t.Fatal("a second Put of the same name succeeded")
	}
}

// TestALinkedFileIsCheckedByItsSHA256: a sealed file given with its sha256
// is checked by it (faster than md5) before it is linked; one whose bytes
// changed after it was sealed is refused and nothing is stored.
func TestALinkedFileIsCheckedByItsSHA256(t *testing.T) {
	d, stage := newStaging(t)
	data := []byte("id,name\n1,x\n")
	m, s := md5.Sum(data), sha256.Sum256(data)
	in := dbbackup.File{Name: "backup_20260210_020000.csv", Size: int64(len(data)), MD5: hex.EncodeToString(m[:]), SHA256: hex.EncodeToString(s[:])}
	f := stage("staged", []byte("id,name\n1,y\n")) // same size, other bytes
	if _, err := d.Put(context.Background(), in, f); !errors.Is(err, dbbackup.ErrChecksumMismatch) || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("Put of a changed file: %v, want a sha256 mismatch", err)
	}
	if entries, _ := os.ReadDir(d.Path()); len(entries) != 0 {
		t.Fatalf("a file that failed its check was stored: %v", entries)
	}
	if _, err := d.Put(context.Background(), in, stage("staged", data)); err != nil {
		t.Fatal(err)
	}
}

// TestACopiedFileIsCheckedByEverySumGiven: a file that cannot be linked
// (any reader) is copied and checked by its sha256 as well as its md5:
// bytes that match the md5 given but not the sha256 are refused, and
// nothing is stored.
func TestACopiedFileIsCheckedByEverySumGiven(t *testing.T) {
	d, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("id,name\n1,x\n")
	m, s := md5.Sum(data), sha256.Sum256([]byte("other bytes"))
	in := dbbackup.File{Name: "backup_20260210_020000.csv", Size: int64(len(data)), MD5: hex.EncodeToString(m[:]), SHA256: hex.EncodeToString(s[:])}
	if _, err := d.Put(context.Background(), in, strings.NewReader(string(data))); !errors.Is(err, dbbackup.ErrChecksumMismatch) || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("Put with a wrong sha256: %v, want a sha256 mismatch", err)
	}
	if entries, _ := os.ReadDir(d.Path()); len(entries) != 0 {
		t.Fatalf("a file that failed its check was stored: %v", entries)
	}
}

// TestASealedFileIsTakenAtItsWord: a dbbackup.SealedFile, whose sha256
// the run took as it wrote it or by reading it whole, is linked without
// being read again,
// so even a sum that is not its bytes' is taken as long as the file is
// unchanged since it was sealed and the sum is the one given. Once
// something has written it since (its modification time moved on), or
// when the sum given is another, it is read and checked as any file.
func TestASealedFileIsTakenAtItsWord(t *testing.T) {
	d, stage := newStaging(t)
	data := []byte("id,name\n1,x\n")
	word := hex.EncodeToString(make([]byte, sha256.Size)) // not data's sum: it shows no read
	right := sha256.Sum256(data)
	put := func(name, sealedSum, given string, change func(path string)) error {
		t.Helper()
		f := stage(name, data)
		info, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		sealed := dbbackup.Sealed(f, sealedSum, info)
		if change != nil {
			change(f.Name())
		}
		_, err = d.Put(context.Background(), dbbackup.File{Name: name, Size: int64(len(data)), SHA256: given}, sealed)
		return err
	}
	if err := put("backup_20260210_020000.csv", word, word, nil); err != nil {
		t.Fatalf("an unchanged sealed file was not taken at its word: %v", err)
	}
	touch := func(path string) { // the same bytes, written again a second later
		later := time.Now().Add(time.Second)
		if err := os.Chtimes(path, later, later); err != nil {
			t.Fatal(err)
		}
	}
	if err := put("backup_20260210_020000.json", word, word, touch); !errors.Is(err, dbbackup.ErrChecksumMismatch) {
		t.Fatalf("a sealed file written since: %v, want a checksum mismatch", err)
	}
	if err := put("backup_20260210_020000.xlsx", word, hex.EncodeToString(right[:]), nil); err != nil {
		t.Fatalf("a sealed file given another sum, its bytes': %v, want it read and stored", err)
	}
	if err := put("backup_20260210_020000.dump", hex.EncodeToString(right[:]), word, nil); !errors.Is(err, dbbackup.ErrChecksumMismatch) {
		t.Fatalf("a sealed file given another sum, not its bytes': %v, want a checksum mismatch", err)
	}
	entries, _ := os.ReadDir(d.Path())
	if len(entries) != 2 {
		t.Fatalf("stored %v, want the csv and the xlsx", entries)
	}
}
