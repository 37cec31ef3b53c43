package dbbackup_test

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

// holdingDest holds every Put until the run is stopped: putting is closed
// when the first Put begins, returned when the first gives up (files are
// stored at once in a local folder).
type holdingDest struct {
	*localdir.Dir
	putting, returned chan struct{}
	began, ended      *sync.Once
}

func (d holdingDest) Put(ctx context.Context, _ dbbackup.File, _ io.Reader) (dbbackup.File, error) {
	d.began.Do(func() { close(d.putting) })
	<-ctx.Done()
	defer d.ended.Do(func() { close(d.returned) })
	return dbbackup.File{}, ctx.Err()
}

// writingExporter is a format still being written: it begins its file,
// says so on writing, and is stopped by the run's end alone. It gives up
// only after the store did, so that the store's failure is always heard
// first, the order that once named the stage wrongly.
type writingExporter struct {
	writing chan struct{}
	after   <-chan struct{}
}

func (e writingExporter) Format() dbbackup.Format           { return "csv" }
func (e writingExporter) Extension([]dbbackup.Table) string { return ".csv" }
func (e writingExporter) Export(ctx context.Context, _ dbbackup.Source, _ []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	if err := os.WriteFile(path, []byte("x\n1\n"), 0o600); err != nil {
		return dbbackup.ExportResult{}, err
	}
	close(e.writing)
	<-ctx.Done()
	<-e.after
	return dbbackup.ExportResult{}, ctx.Err()
}

// TestAStoppedRunNamesTheStageItInterrupted: a file done early is being
// stored while another format is still written. A run stopped then was
// interrupted in its export, whichever of the two gives up first; one
// stopped once every format is written and only storing remains was
// interrupted in the store.
func TestAStoppedRunNamesTheStageItInterrupted(t *testing.T) {
	for _, tc := range []struct {
		name    string
		writing bool // a format is still written when the run is stopped
		want    dbbackup.Stage
	}{
		{"while a format is written", true, dbbackup.StageExport},
		{"once every format is written", false, dbbackup.StageStore},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, dir := newRunner(t)
			dest := holdingDest{Dir: dir, putting: make(chan struct{}), returned: make(chan struct{}), began: new(sync.Once), ended: new(sync.Once)}
			r.Dest = dest
			storing := make(chan struct{}) // every format is written
			observe := func(p dbbackup.Progress) {
				if p.Stage == dbbackup.StageStore && p.File == "" {
					close(storing)
				}
			}
			stopWhen := storing
			r.Exporters = []dbbackup.Exporter{quickExporter{format: "dump"}, quickExporter{format: "json"}}
			if tc.writing {
				w := writingExporter{writing: make(chan struct{}), after: dest.returned}
				r.Exporters[1], stopWhen = w, w.writing
			}
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			go func() {
				<-dest.putting
				<-stopWhen
				cancel(&dbbackup.Cancelled{By: "alice"})
			}()
			_, err := r.Run(ctx, observe)
			var se *dbbackup.StageError
			if !errors.As(err, &se) || se.Stage != tc.want || !errors.Is(err, context.Canceled) {
				t.Fatalf("Run = %v, want a cancellation at %s", err, tc.want)
			}
			assertDestEmpty(t, dir)
			assertStagingEmpty(t, r)
		})
	}
}
