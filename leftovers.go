package dbbackup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// runRecordName is the file in a run's staging folder that says where the
// run stores its set. It is written, and synced, before anything is
// stored: a run killed later (kill -9, a reboot) leaves it behind, and the
// next run knows which set id it used and where to look for its files.
// The folder's name is the set id; the name cannot be a staged file's,
// which all begin with it.
const runRecordName = "run.json"

// runRecord is the content of runRecordName.
type runRecord struct {
	SetID string `json:"set_id"`
	// Job is the job of the run; "" in a record made before jobs, which
	// is the job default's.
	Job  string `json:"job,omitempty"`
	Dest string `json:"destination"`
	Copy string `json:"copy,omitempty"`
	// Database is known once the snapshot is taken, still before anything
	// is stored: the record is written again then.
	Database string `json:"database,omitempty"`
}

// writeRecord records the run in its staging folder: a new file, synced,
// put in place of the old one, and the folders synced, so that the record
// is whole and outlives a power loss too.
func (r *Runner) writeRecord(st *staging, database string) error {
	rec := runRecord{SetID: st.setID, Job: r.job(), Dest: r.Dest.String(), Database: database}
	if r.Copy != nil {
		rec.Copy = r.Copy.String()
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	tmp := st.path(runRecordName + ".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("record the run: %w", err)
	}
	_, err = f.Write(b)
	if serr := f.Sync(); err == nil {
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, st.path(runRecordName))
	}
	if err == nil {
		err = syncDir(st.dir)
	}
	if err == nil {
		err = syncDir(filepath.Dir(st.dir))
	}
	if err != nil {
		return fmt.Errorf("record the run: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Recover removes what interrupted runs left: a run killed before it
// finished, or one whose clean-up failed, keeps its staging folder with
// the record of its set id, and files of that set may be in the
// destination (and the local copy) without a manifest, among them an
// upload whose answer never came. Recover deletes those files unless the
// set's manifest is there and the set is whole: then the run was killed
// after storing it, and the set is a good backup. Call it only while
// holding the run lock: a running run's folder is in the staging folder
// too. It returns, for the report, one line per interrupted run whose
// files it removed or could not remove; what fails is tried again by the
// next run. Only the runs of r.Job are looked at: StagingDir is the job's
// own (StagingDirName), and a run recorded with another job, should it be
// there, is left alone with its files. A staging folder the tool cannot
// trust (a link, another user's) is left alone, with the same
// *ConfigError a run gets.
func (r *Runner) Recover(ctx context.Context) ([]string, error) {
	if _, err := os.Lstat(r.StagingDir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err := checkStagingDir(r.StagingDir); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(r.StagingDir)
	if err != nil {
		return nil, err
	}
	var notes []string
	for _, e := range entries {
		// The type is the entry's own: a symlink is never a folder here.
		if id, _, ok := ParseSetID(e.Name(), r.Location); !ok || id != e.Name() || !e.IsDir() {
			continue // not a folder a run made
		}
		st := &staging{setID: e.Name(), dir: filepath.Join(r.StagingDir, e.Name())}
		notes = append(notes, r.recoverRun(ctx, st)...)
	}
	return notes, nil
}

// recoverRun clears what the interrupted run st left.
func (r *Runner) recoverRun(ctx context.Context, st *staging) []string {
	b, err := os.ReadFile(st.path(runRecordName))
	var rec runRecord
	if err == nil {
		err = json.Unmarshal(b, &rec)
	}
	if err == nil && jobOrDefault(rec.Job) != r.job() {
		r.Log.Warn("the staging folder holds a run of another job: it is left to that job", "path", st.dir, "job", rec.Job)
		return nil
	}
	if err != nil || rec.SetID != st.setID {
		// Killed before its record was whole, so before it stored
		// anything: only its staged files are left.
		r.Log.Warn("removed what an interrupted run left", "path", st.dir)
		st.remove()
		return nil
	}
	st.removeFiles()
	var notes []string
	done := true
	for _, d := range []struct {
		recorded string
		dest     Destination
	}{{rec.Dest, r.Dest}, {rec.Copy, r.Copy}} {
		switch {
		case d.recorded == "":
			continue
		case d.dest == nil || d.dest.String() != d.recorded:
			// Another configuration's destination: its own runs clean it.
			r.Log.Warn("an interrupted run stored into a destination this run does not use: what it left there stays",
				"set", st.setID, "destination", d.recorded)
			done = false
			continue
		}
		n, err := r.removeUnfinished(ctx, d.dest, rec)
		switch {
		case err != nil:
			done = false
			notes = append(notes, fmt.Sprintf("could not remove the leftovers of the interrupted run %s from %s: %v; the next run tries again",
				st.setID, d.dest, err))
		case n > 0:
			notes = append(notes, fmt.Sprintf("removed the leftovers of the interrupted run %s from %s (%d %s)",
				st.setID, d.dest, n, plural(n, "file", "files")))
		}
	}
	for _, n := range notes {
		r.Log.Warn(n)
	}
	if done {
		st.remove()
	}
	return notes
}

// removeUnfinished deletes the files of the recorded run's set from dest
// unless the set is whole or its manifest is another job's, and returns
// how many it deleted. Files tagged with another job or database are
// never among them.
func (r *Runner) removeUnfinished(ctx context.Context, dest Destination, rec runRecord) (int, error) {
	listed, err := dest.List(ctx)
	if err != nil {
		return 0, err
	}
	var files []File
	for _, f := range filesOf(listed, rec.SetID) {
		sameDB := f.Database == "" || rec.Database == "" || f.Database == rec.Database
		if sameDB && (f.Job == "" || f.Job == jobOrDefault(rec.Job)) {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return 0, nil
	}
	// One set: its job from the files' tags or DefaultJob, until its
	// manifest says otherwise.
	set := Sets(files, r.Location)[0]
	inspect(ctx, dest, &set)
	switch {
	case set.Complete:
		r.Log.Info("an interrupted run had stored its whole set: it is kept", "set", rec.SetID, "destination", dest.String())
		return 0, nil
	case set.Manifest != nil && set.Job != jobOrDefault(rec.Job):
		r.Log.Warn("files named like an interrupted run's set are another job's: they are kept", "set", rec.SetID, "job", set.Job)
		return 0, nil
	}
	return deleteAll(ctx, dest, files)
}

// filesOf returns the files of set id: tagged with it (on Drive, by the
// set property) and named after it.
func filesOf(listed []File, id string) []File {
	var out []File
	for _, f := range listed {
		if got, _, ok := ParseFileName(f.Name); ok && got == id && f.SetID == id {
			out = append(out, f)
		}
	}
	return out
}

// deleteAll deletes files from dest and returns how many it deleted.
func deleteAll(ctx context.Context, dest Destination, files []File) (int, error) {
	n := 0
	var errs []error
	for _, f := range files {
		if err := dest.Delete(ctx, f); err != nil && !errors.Is(err, ErrNotFound) {
			errs = append(errs, fmt.Errorf("delete %s: %w", f.Name, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
