package retry

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var fast = Policy{Tries: 4, Base: time.Millisecond, Max: 4 * time.Millisecond}

func TestDoRetriesOnlyTemporaryErrors(t *testing.T) {
	calls := 0
	err := fast.Do(context.Background(), quiet, "x", func() error {
		calls++
		if calls < 3 {
			return Temporary(errors.New("503"), 0)
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("err %v after %d calls, want success on the third", err, calls)
	}
	calls = 0
	permanent := errors.New("404 not found")
	if err := fast.Do(context.Background(), quiet, "x", func() error { calls++; return permanent }); err != permanent || calls != 1 {
		t.Fatalf("permanent error: %v after %d calls", err, calls)
	}
	calls = 0
	err = fast.Do(context.Background(), quiet, "x", func() error { calls++; return Temporary(errors.New("503"), 0) })
	if err == nil || calls != fast.Tries {
		t.Fatalf("got %v after %d calls, want failure after %d", err, calls, fast.Tries)
	}
}

func TestAnErrorMayAllowFewerTriesThanThePolicy(t *testing.T) {
	calls := 0
	err := fast.Do(context.Background(), quiet, "x", func() error {
		calls++
		return &TemporaryError{Err: errors.New("no such host"), Tries: 2}
	})
	if err == nil || calls != 2 {
		t.Fatalf("got %v after %d calls, want failure after 2", err, calls)
	}
}

func TestDoHonoursRetryAfterAndContext(t *testing.T) {
	start := time.Now()
	calls := 0
	fast.Do(context.Background(), quiet, "x", func() error {
		if calls++; calls == 1 {
			return Temporary(errors.New("429"), 30*time.Millisecond)
		}
		return nil
	})
	if time.Since(start) < 30*time.Millisecond {
		t.Fatalf("Retry-After of 30ms was not honoured")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := Policy{Tries: 5, Base: time.Hour, Max: time.Hour}
	if err := slow.Do(ctx, quiet, "x", func() error { return Temporary(errors.New("503"), 0) }); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// flaky fails the first Put after reading part of the data.
type flaky struct {
	*localdir.Dir
	fails int
}

func (f *flaky) Put(ctx context.Context, file dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if f.fails > 0 {
		f.fails--
		io.CopyN(io.Discard, r, 10)
		return dbbackup.File{}, Temporary(errors.New("connection reset"), 0)
	}
	return f.Dir.Put(ctx, file, r)
}

func TestPutRewindsTheFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	data := bytes.Repeat([]byte("0123456789"), 1000)
	os.WriteFile(src, data, 0o600)
	ld, _ := localdir.New(filepath.Join(dir, "dest"))
	d := &Destination{Destination: &flaky{Dir: ld, fails: 2}, Policy: fast, Log: quiet}
	f, _ := os.Open(src)
	defer f.Close()
	stored, err := d.Put(context.Background(), dbbackup.File{Name: "backup_20260210_020000.csv", Size: int64(len(data))}, f)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(ld.Path(), stored.Name))
	if !bytes.Equal(got, data) {
		t.Fatalf("stored %d bytes that differ from the %d sent", len(got), len(data))
	}
	// A reader that cannot be rewound is not retried.
	d = &Destination{Destination: &flaky{Dir: ld, fails: 1}, Policy: fast, Log: quiet}
	if _, err := d.Put(context.Background(), dbbackup.File{Name: "backup_20260210_020000.json"}, bytes.NewBufferString("x")); err == nil {
		t.Fatal("a Put from an unrewindable reader was retried")
	}
}
