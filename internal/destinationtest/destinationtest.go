// Package destinationtest is the contract every dbbackup.Destination must
// keep, as a test suite: call Run from each implementation's tests.
package destinationtest

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// Run runs the contract suite. newDest returns an empty destination.
func Run(t *testing.T, newDest func(t *testing.T) dbbackup.Destination) {
	ctx := context.Background()
	// The runner hands Put an *os.File, which an adapter may store its own
	// way (a local folder links it): every contract holds for both.
	for _, src := range sources {
		t.Run("PutListOpenDelete/"+src.name, func(t *testing.T) { putListOpenDelete(t, newDest(t), src.open) })
		t.Run("ChecksumMismatchStoresNothing/"+src.name, func(t *testing.T) { checksumMismatch(t, newDest(t), src.open) })
	}
	t.Run("EmptyFile", func(t *testing.T) {
		d := newDest(t)
		in := fileFor("backup_20260210_020000.json", nil)
		if _, err := d.Put(ctx, in, bytes.NewReader(nil)); err != nil {
			t.Fatalf("Put: %v", err)
		}
		if got := read(t, d, mustFind(t, d, in.Name)); len(got) != 0 {
			t.Fatalf("empty file reads back %d bytes", len(got))
		}
	})
	t.Run("FailedReadStoresNothing", func(t *testing.T) {
		d := newDest(t)
		data := randomBytes(1 << 20)
		in := fileFor("backup_20260210_020000.dump", data)
		r := &failingReader{r: bytes.NewReader(data), after: 50, err: syscall.ENOSPC}
		if _, err := d.Put(ctx, in, r); !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("Put from a reader failing with ENOSPC: got %v", err)
		}
		assertEmpty(t, d)
	})
	t.Run("CanceledStoresNothing", func(t *testing.T) {
		d := newDest(t)
		data := randomBytes(1 << 20)
		cctx, cancel := context.WithCancel(ctx)
		r := &failingReader{r: bytes.NewReader(data), after: 1000, hook: cancel}
		if _, err := d.Put(cctx, fileFor("backup_20260210_020000.csv", data), r); err == nil {
			t.Fatal("Put with a context canceled mid-way succeeded")
		}
		assertEmpty(t, d)
	})
	t.Run("NeverOverwrites", func(t *testing.T) {
		d := newDest(t)
		first, second := []byte("first"), []byte("second!")
		in := fileFor("backup_20260210_020000.manifest.json", first)
		if _, err := d.Put(ctx, in, bytes.NewReader(first)); err != nil {
			t.Fatalf("Put: %v", err)
		}
		if _, err := d.Put(ctx, fileFor(in.Name, second), bytes.NewReader(second)); err == nil {
			t.Fatal("a second Put of the same name succeeded")
		}
		if got := read(t, d, mustFind(t, d, in.Name)); !bytes.Equal(got, first) {
			t.Fatalf("the first file now reads %q", got)
		}
	})
}

func putListOpenDelete(t *testing.T, d dbbackup.Destination, open func(*testing.T, []byte) io.Reader) {
	ctx := context.Background()
	data := randomBytes(3<<20 + 17)
	in := fileFor("backup_20260210_020000.csv", data)
	stored, err := d.Put(ctx, in, open(t, data))
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if stored.Name != in.Name || stored.Size != in.Size || stored.MD5 != in.MD5 || stored.ID == "" {
		t.Fatalf("Put returned %+v, want name %s size %d md5 %s and an id", stored, in.Name, in.Size, in.MD5)
	}
	listed := mustFind(t, d, in.Name)
	if listed.Size != in.Size || listed.ID != stored.ID {
		t.Fatalf("List has %+v, want size %d id %s", listed, in.Size, stored.ID)
	}
	if listed.SetID != "backup_20260210_020000" || listed.Format != dbbackup.FormatCSV {
		t.Fatalf("List lost the tags: set %q format %q", listed.SetID, listed.Format)
	}
	if got := read(t, d, listed); !bytes.Equal(got, data) {
		t.Fatalf("Open returned %d bytes that differ from the %d put", len(got), len(data))
	}
	if err := d.Delete(ctx, listed); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if f, ok := find(t, d, in.Name); ok {
		t.Fatalf("after Delete, List still has %+v", f)
	}
	if err := d.Delete(ctx, listed); err != nil {
		t.Fatalf("Delete of a deleted file must succeed, got %v", err)
	}
	if _, err := d.Open(ctx, listed); !errors.Is(err, dbbackup.ErrNotFound) {
		t.Fatalf("Open of a deleted file: got %v, want ErrNotFound", err)
	}
}

func checksumMismatch(t *testing.T, d dbbackup.Destination, open func(*testing.T, []byte) io.Reader) {
	data := randomBytes(1000)
	in := fileFor("backup_20260210_020000.xlsx", data)
	in.MD5 = hex.EncodeToString(make([]byte, 16))
	_, err := d.Put(context.Background(), in, open(t, data))
	if !errors.Is(err, dbbackup.ErrChecksumMismatch) {
		t.Fatalf("Put with a wrong md5: got %v, want ErrChecksumMismatch", err)
	}
	assertEmpty(t, d)
}

// sources are the two kinds of reader Put is given: any reader, and a
// sealed file on disk as the runner hands it over.
var sources = []struct {
	name string
	open func(t *testing.T, data []byte) io.Reader
}{
	{"Reader", func(_ *testing.T, data []byte) io.Reader { return bytes.NewReader(data) }},
	{"File", func(t *testing.T, data []byte) io.Reader {
		t.Helper()
		path := filepath.Join(t.TempDir(), "staged")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}},
}

// fileFor describes data as the runner would before a Put.
func fileFor(name string, data []byte) dbbackup.File {
	sum := md5.Sum(data)
	f := dbbackup.File{Name: name, Size: int64(len(data)), MD5: hex.EncodeToString(sum[:])}
	f.SetID, f.Format, _ = dbbackup.ParseFileName(name)
	return f
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 42))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func find(t *testing.T, d dbbackup.Destination, name string) (dbbackup.File, bool) {
	t.Helper()
	files, err := d.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	for _, f := range files {
		if f.Name == name {
			return f, true
		}
	}
	return dbbackup.File{}, false
}

func mustFind(t *testing.T, d dbbackup.Destination, name string) dbbackup.File {
	t.Helper()
	f, ok := find(t, d, name)
	if !ok {
		t.Fatalf("List does not have %s", name)
	}
	return f
}

func read(t *testing.T, d dbbackup.Destination, f dbbackup.File) []byte {
	t.Helper()
	r, err := d.Open(context.Background(), f)
	if err != nil {
		t.Fatalf("Open %s: %v", f.Name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", f.Name, err)
	}
	return b
}

func assertEmpty(t *testing.T, d dbbackup.Destination) {
	t.Helper()
	files, err := d.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(files) != 0 {
		t.Fatalf("destination should hold nothing, has %+v", files)
	}
}

// failingReader returns err (or calls hook) after some bytes, like a disk
// that fills up or a run that is stopped.
type failingReader struct {
	r     io.Reader
	after int
	err   error
	hook  func()
	n     int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n >= f.after {
		if f.hook != nil {
			f.hook()
			f.hook = nil
		} else {
			return 0, f.err
		}
	}
	if len(p) > f.after-f.n && f.n < f.after {
		p = p[:f.after-f.n]
	}
	n, err := f.r.Read(p)
	f.n += n
	return n, err
}
