package dbbackup_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

// lostAnswerDest stores the json file but answers with an error, as when
// the connection drops after the upload.
type lostAnswerDest struct{ *localdir.Dir }

func (d lostAnswerDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	stored, err := d.Dir.Put(ctx, f, r)
	if err == nil && f.Format == "json" {
		return dbbackup.File{}, errors.New("connection reset by peer")
	}
	return stored, err
}

// TestALostAnswerIsRemovedByTheFailedRun: a file the destination stored but
// never confirmed is found by its set id and removed with the rest.
func TestALostAnswerIsRemovedByTheFailedRun(t *testing.T) {
	r, dest := newRunner(t)
	r.Dest = lostAnswerDest{dest}
	if _, err := r.Run(context.Background(), nil); err == nil {
		t.Fatal("the run succeeded without an answer")
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
}

// dyingDest stores files until it is handed the one named die, and then
// ends the run as a kill would: nothing after that point runs.
type dyingDest struct {
	*localdir.Dir
	die dbbackup.Format
}

type killed struct{}

func (d dyingDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if f.Format == d.die {
		panic(killed{})
	}
	return d.Dir.Put(ctx, f, r)
}

// runUntilKilled runs r until its destination "kills" it.
func runUntilKilled(t *testing.T, r *dbbackup.Runner) {
	t.Helper()
	defer func() {
		if p := recover(); p != (killed{}) {
			t.Fatalf("the run was not killed: %v", p)
		}
	}()
	r.Run(context.Background(), nil)
}

// TestTheNextRunRemovesWhatAKilledRunLeft: killed between its files and its
// manifest, a run leaves files that no manifest describes; the next run
// removes them and says so.
func TestTheNextRunRemovesWhatAKilledRunLeft(t *testing.T) {
	r, dest := newRunner(t)
	r.Dest = dyingDest{dest, dbbackup.FormatManifest}
	runUntilKilled(t, r)
	if files, _ := dest.List(context.Background()); len(files) != 2 {
		t.Fatalf("the killed run stored %d files, want its 2 data files", len(files))
	}
	r.Dest = dest
	notes, _ := r.Recover(context.Background())
	want := "removed the leftovers of the interrupted run backup_20260210_020000 from " + dest.String() + " (2 files)"
	if len(notes) != 1 || notes[0] != want {
		t.Fatalf("notes %q, want %q", notes, want)
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
	if notes, _ := r.Recover(context.Background()); len(notes) != 0 {
		t.Fatalf("a second recovery found %q", notes)
	}
}

// TestAKilledCopyIsRemovedAndTheSetKept: killed while it copied the set to
// the local folder, a run leaves a whole set in the destination, which is
// kept, and a copy without manifest, which is removed.
func TestAKilledCopyIsRemovedAndTheSetKept(t *testing.T) {
	r, dest := newRunner(t)
	copyDir, _ := localdir.New(t.TempDir())
	r.Copy = dyingDest{copyDir, dbbackup.FormatManifest}
	runUntilKilled(t, r)
	r.Copy = copyDir
	notes, _ := r.Recover(context.Background())
	if len(notes) != 1 || !strings.Contains(notes[0], copyDir.String()+" (2 files)") {
		t.Fatalf("notes %q", notes)
	}
	assertDestEmpty(t, copyDir)
	if sets, _ := dbbackup.InspectSets(context.Background(), dest, r.Location); len(sets) != 1 || !sets[0].Complete || len(sets[0].Files) != 3 {
		t.Fatalf("the whole set was not kept: %+v", sets)
	}
	assertStagingEmpty(t, r)
}

// TestTheNextRunRemovesWhatAFailedCleanupLeft: the manifest could not be
// stored and the files could not be deleted; once the destination works
// again, the next run removes them.
func TestTheNextRunRemovesWhatAFailedCleanupLeft(t *testing.T) {
	r, dest := newRunner(t)
	r.Dest = &stuckDest{Dir: dest}
	if _, err := r.Run(context.Background(), nil); err == nil {
		t.Fatal("the run succeeded without its manifest")
	}
	r.Dest = dest
	if notes, _ := r.Recover(context.Background()); len(notes) != 1 || !strings.Contains(notes[0], "(2 files)") {
		t.Fatalf("notes %q", notes)
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
}
