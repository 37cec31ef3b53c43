package fsutil

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// failAfter fails like a full disk after n bytes.
type failAfter struct{ n int }

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, syscall.ENOSPC
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	f.n -= len(p)
	return len(p), nil
}

// writeFile is how a caller makes a new file: Create, write, Commit.
func writeFile(final string, r io.Reader, mode os.FileMode) error {
	f, err := Create(final, mode)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := io.Copy(f, r); err != nil {
		return err
	}
	return f.Commit()
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileFailingMidwayLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	err := writeFile(filepath.Join(dir, "token.json"), &failAfter{50}, 0o600)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want ENOSPC", err)
	}
	if got := entries(t, dir); len(got) != 0 {
		t.Fatalf("left behind %v", got)
	}
}

func TestWriteFileNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := writeFile(p, strings.NewReader("one"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(p, strings.NewReader("two"), 0o640); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second write: got %v, want ErrExist", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "one" {
		t.Fatalf("file now holds %q", b)
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Fatalf("left behind %v", got)
	}
}

func TestReplaceKeepsTheOldFileOnFailureAndSetsTheMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "token.json")
	if err := Replace(p, strings.NewReader("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Replace(p, io.MultiReader(strings.NewReader("new, half"), &failAfter{0}), 0o600); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want ENOSPC", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("a failed replace changed the file to %q", b)
	}
	if err := Replace(p, strings.NewReader("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" || st.Mode().Perm() != 0o600 {
		t.Fatalf("after replace: %q mode %v", b, st.Mode().Perm())
	}
	if got := entries(t, dir); len(got) != 1 {
		t.Fatalf("left behind %v", got)
	}
}

// TestCreatePrivateIsOwnerOnlyFromTheStart: under the usual umask 022 a
// new file, and a file that was there with a wider mode, are 0600 before
// the first byte; a link at the path is refused and its target kept.
func TestCreatePrivateIsOwnerOnlyFromTheStart(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.csv")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "new.csv"), existing} {
		f, err := CreatePrivate(path)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.Stat()
		f.Close()
		if err != nil || st.Mode().Perm() != 0o600 || st.Size() != 0 {
			t.Errorf("%s: mode %v, %d bytes (%v), want an empty 0600 file", filepath.Base(path), st.Mode().Perm(), st.Size(), err)
		}
	}
	target := filepath.Join(dir, "precious")
	os.WriteFile(target, []byte("keep me"), 0o644)
	link := filepath.Join(dir, "link.csv")
	os.Symlink(target, link)
	if f, err := CreatePrivate(link); err == nil {
		f.Close()
		t.Error("CreatePrivate followed a symbolic link")
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the link's target now holds %q", b)
	}
}
