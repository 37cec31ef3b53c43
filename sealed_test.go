package dbbackup_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// tamperingDest changes a byte of the staged file it is handed, keeping
// its size, before it stores it: as if something wrote the file after the
// run had sealed it.
type tamperingDest struct {
	dbbackup.Destination
	suffix string // the file to change
}

func (d tamperingDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if s, ok := r.(*dbbackup.SealedFile); ok && strings.HasSuffix(f.Name, d.suffix) {
		if err := rewriteFirstByte(s.Name()); err != nil {
			return dbbackup.File{}, err
		}
	}
	return d.Destination.Put(ctx, f, r)
}

// rewriteFirstByte changes the first byte of the file at path, again
// until its modification time moves on (a file system keeps it to a tick).
func rewriteFirstByte(path string) error {
	before, err := os.Stat(path)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if _, err := f.WriteAt([]byte("P"), 0); err != nil {
			return err
		}
		if now, err := f.Stat(); err != nil || !now.ModTime().Equal(before.ModTime()) {
			return err
		}
	}
	return fmt.Errorf("the modification time of %s never changed", path)
}

// TestAFileChangedAfterItWasSealedFailsTheRun: the local folder takes the
// sums of a sealed file without reading it again only while nothing has
// written it since. A file changed between its seal and its store, whether
// summed as it was written (the csv, streamed) or read once written (the
// json), fails the run at store with a checksum mismatch and leaves
// nothing, never a file under sums that are not its own.
func TestAFileChangedAfterItWasSealedFailsTheRun(t *testing.T) {
	for _, suffix := range []string{".csv", ".json"} {
		t.Run(suffix, func(t *testing.T) {
			r, dest := newRunner(t, &streamExporter{lineExporter: lineExporter{format: "csv"}}, &lineExporter{format: "json"})
			r.Dest = tamperingDest{Destination: dest, suffix: suffix}
			_, err := r.Run(context.Background(), nil)
			var se *dbbackup.StageError
			if !errors.As(err, &se) || se.Stage != dbbackup.StageStore || !errors.Is(err, dbbackup.ErrChecksumMismatch) {
				t.Fatalf("got %v, want a checksum mismatch at store", err)
			}
			assertDestEmpty(t, dest)
			assertStagingEmpty(t, r)
		})
	}
}
