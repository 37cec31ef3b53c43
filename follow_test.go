package dbbackup_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

// watchDest is a local folder that counts the Puts of each file and says
// when the first Put of a file has read bytes.
type watchDest struct {
	*localdir.Dir
	mu    sync.Mutex
	puts  map[string]int
	begun map[string]chan struct{} // closed at a Put's first bytes
}

func newWatchDest(d *localdir.Dir) *watchDest {
	return &watchDest{Dir: d, puts: map[string]int{}, begun: map[string]chan struct{}{}}
}

// reading is closed once a Put of name has read bytes.
func (d *watchDest) reading(name string) chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.begun[name] == nil {
		d.begun[name] = make(chan struct{})
	}
	return d.begun[name]
}

func (d *watchDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	d.mu.Lock()
	d.puts[f.Name]++
	first := d.puts[f.Name] == 1
	d.mu.Unlock()
	if first {
		r = &firstBytes{r: r, seen: d.reading(f.Name)}
	}
	return d.Dir.Put(ctx, f, r)
}

func (d *watchDest) count(name string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.puts[name]
}

type firstBytes struct {
	r    io.Reader
	seen chan struct{}
	once sync.Once
}

func (f *firstBytes) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if n > 0 {
		f.once.Do(func() { close(f.seen) })
	}
	return n, err
}

// waitFor waits for ch, or fails the export after a while.
func waitFor(ch chan struct{}, what string) error {
	select {
	case <-ch:
		return nil
	case <-time.After(10 * time.Second):
		return errors.New(what + " did not happen")
	}
}

func followingRunner(t *testing.T, exporters ...dbbackup.Exporter) (*dbbackup.Runner, *localdir.Dir, *watchDest, *bytes.Buffer) {
	t.Helper()
	r, dir := newRunner(t, exporters...)
	w := newWatchDest(dir)
	r.Dest, r.StoreWhileWriting = w, true
	var log bytes.Buffer
	r.Log = slog.New(slog.NewTextHandler(&log, nil))
	return r, dir, w, &log
}

// TestStoreWhileWritingOverlaps: with StoreWhileWriting, a file's upload
// reads its first bytes while the exporter is still writing it (the
// exporter waits for that), and the stored file is the whole sealed file,
// uploaded once.
func TestStoreWhileWritingOverlaps(t *testing.T) {
	var w *watchDest
	e := &lineExporter{format: "csv", pause: func(_ *os.File, name string) error {
		return waitFor(w.reading(name), "an upload while the file was written")
	}}
	r, dir, w, log := followingRunner(t, e, &lineExporter{format: "json"})
	rep, err := r.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	name := rep.SetID + ".csv"
	if n := w.count(name); n != 1 {
		t.Errorf("%s was put %d times, want once", name, n)
	}
	if strings.Contains(log.String(), "not kept") {
		t.Errorf("the upload was not kept:\n%s", log)
	}
	assertStoredAsManifested(t, dir, rep.SetID)
}

// TestStoreWhileWritingRewrittenFileIsStoredAgain: a writer that goes
// back and changes bytes the upload already sent (as the xlsx writer does
// for a sheet over 4 GiB) gets its sealed file uploaded again; the set
// holds the file as sealed, once.
func TestStoreWhileWritingRewrittenFileIsStoredAgain(t *testing.T) {
	var w *watchDest
	e := &lineExporter{format: "csv", pause: func(f *os.File, name string) error {
		if err := waitFor(w.reading(name), "an upload while the file was written"); err != nil {
			return err
		}
		_, err := f.WriteAt([]byte("P"), 0)
		return err
	}}
	r, dir, w, log := followingRunner(t, e)
	rep, err := r.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	name := rep.SetID + ".csv"
	if n := w.count(name); n != 2 {
		t.Errorf("%s was put %d times, want twice (followed, then sealed)", name, n)
	}
	if !strings.Contains(log.String(), "not kept") {
		t.Errorf("no warning that the followed upload was not kept:\n%s", log)
	}
	got, err := os.ReadFile(filepath.Join(dir.Path(), name))
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != 'P' {
		t.Errorf("the stored file begins %q, want the rewritten byte P", got[:10])
	}
	assertStoredAsManifested(t, dir, rep.SetID)
}

// TestStoreWhileWritingFailedExportStoresNothing: an exporter that fails
// after its upload began leaves nothing stored, and the run fails at
// export.
func TestStoreWhileWritingFailedExportStoresNothing(t *testing.T) {
	var w *watchDest
	e := &lineExporter{format: "csv", pause: func(_ *os.File, name string) error {
		if err := waitFor(w.reading(name), "an upload while the file was written"); err != nil {
			return err
		}
		return errors.New("no space left on device")
	}}
	r, dir, w, _ := followingRunner(t, e, &lineExporter{format: "json"})
	_, err := r.Run(context.Background(), nil)
	var se *dbbackup.StageError
	if !errors.As(err, &se) || se.Stage != dbbackup.StageExport || !strings.Contains(err.Error(), "no space") {
		t.Fatalf("got %v, want the export's failure", err)
	}
	assertDestEmpty(t, dir)
	assertStagingEmpty(t, r)
}

// meetDest is a local folder whose Puts of the files named in wait each
// wait, for a while, until all of them have begun.
type meetDest struct {
	*localdir.Dir
	wait    map[string]bool
	arrived chan string
	all     chan struct{}
	once    sync.Once
	alone   atomic.Bool // a Put waited in vain
}

func (d *meetDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if d.wait[f.Name] {
		d.arrived <- f.Name
		if len(d.arrived) == len(d.wait) {
			d.once.Do(func() { close(d.all) })
		}
		select {
		case <-d.all:
		case <-time.After(3 * time.Second):
			d.alone.Store(true)
		}
	}
	return d.Dir.Put(ctx, f, r)
}

// TestLocalStoresGoAtOnce: the local folder reads every file again to
// check it, so files sealed together are stored at once, not one after
// the other: the csv's and the json's Puts are both under way before
// either ends.
func TestLocalStoresGoAtOnce(t *testing.T) {
	r, dir := newRunner(t)
	d := &meetDest{Dir: dir, wait: map[string]bool{}, arrived: make(chan string, 2), all: make(chan struct{})}
	d.wait["backup_20260210_020000.csv"], d.wait["backup_20260210_020000.json"] = true, true
	r.Dest = d
	if _, err := r.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if d.alone.Load() {
		t.Error("the csv and the json were stored one after the other")
	}
	assertStoredAsManifested(t, dir, "backup_20260210_020000")
}

// lateDest is a local folder whose upload of a file while it is written,
// when cut off, still stores the file a moment later, as a server does
// that had all of a file when the client gave up on the answer.
type lateDest struct {
	*localdir.Dir
	late  sync.WaitGroup
	begun chan struct{} // closed when the json's upload has begun
}

func (d *lateDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if !strings.HasSuffix(f.Name, ".json") || f.Size != 0 { // not the json's upload while written
		return d.Dir.Put(ctx, f, r)
	}
	close(d.begun)
	b, _ := io.ReadAll(r) // until the run fails
	d.late.Go(func() {
		time.Sleep(300 * time.Millisecond)
		d.Dir.Put(context.Background(), dbbackup.File{Name: f.Name}, bytes.NewReader(b))
	})
	return dbbackup.File{}, errors.New("the answer was lost")
}

// TestAFailedRunRemovesAnUploadTheServerFinishedLate: an upload cut off
// by the run's failure that the server still finishes after the run
// listed its set is found by a second look, and removed.
func TestAFailedRunRemovesAnUploadTheServerFinishedLate(t *testing.T) {
	d := &lateDest{begun: make(chan struct{})}
	failed := make(chan struct{})
	csv := &lineExporter{format: "csv", pause: func(*os.File, string) error {
		defer close(failed)
		if err := waitFor(d.begun, "the json's upload"); err != nil {
			return err
		}
		return errors.New("no space left on device")
	}}
	json := &lineExporter{format: "json", pause: func(*os.File, string) error {
		<-failed
		return errors.New("stopped")
	}}
	r, dir, _, _ := followingRunner(t, csv, json)
	d.Dir, r.Dest = dir, d
	if _, err := r.Run(context.Background(), nil); err == nil { // the csv's failure or the json's, whichever came first
		t.Fatal("the run succeeded")
	}
	d.late.Wait()
	assertDestEmpty(t, dir)
}
