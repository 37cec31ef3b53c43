package dbbackup

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/dbbackup/dbbackup/internal/fsutil"
)

// Stage names a step of a run, so a failure says where it happened. These
// names are the only ones: the error text (a *StageError's prefix), the
// summary, the email and the history all use them.
type Stage string

// The stages of a run, in order.
const (
	StageConfig  Stage = "config" // reading and checking the settings
	StageLock    Stage = "lock"   // waiting for no other run: a run stopped here was skipped
	StageCheck   Stage = "check"  // the destination and the staging folder
	StageConnect Stage = "connect"
	StageExport  Stage = "export"
	StageStore   Stage = "store"
	StageVerify  Stage = "verify"
)

// StageRestore is not a run's: a restore reports the load of each table
// with it.
const StageRestore Stage = "restore"

// StageError is a run's failure with the stage it happened in.
type StageError struct {
	Stage Stage
	Err   error
}

func (e *StageError) Error() string { return string(e.Stage) + ": " + e.Err.Error() }
func (e *StageError) Unwrap() error { return e.Err }

// AtStage returns err as a failure at stage s; an error that names its
// stage already keeps it. A nil err stays nil.
func AtStage(s Stage, err error) error {
	var se *StageError
	if err == nil || errors.As(err, &se) {
		return err
	}
	return &StageError{s, err}
}

// Runner performs backup runs: snapshot → export → checksum → store →
// verify. Its fields are set once; Run may be called again.
type Runner struct {
	DB        Database
	Exporters []Exporter
	Dest      Destination
	Scope     Scope
	// Job is the job the sets are made for ("" is DefaultJob): the
	// manifest and the destination's tags carry it, and Recover and the
	// size check look at this job's runs and sets alone.
	Job string
	// Prefix begins the set names (BACKUP_NAME_PREFIX; "" is
	// DefaultPrefix).
	Prefix string
	// Database is the database the settings name, "" when unknown: the
	// size check before the snapshot takes the newest set of Job and
	// Database as the size of the next one.
	Database string
	// OneOff names the settings given for this run alone: its set is
	// marked so in the manifest, and the run deletes nothing.
	OneOff []string
	// StagingDir holds the files of a run while they are written. It is
	// created if missing; a run leaves nothing in it. Each job has its own
	// (StagingDirName): Recover empties it of what interrupted runs left.
	StagingDir string
	// Location is the time zone of set names (prefix_YYYYMMDD_HHMMSS).
	Location *time.Location
	Now      func() time.Time
	Log      *slog.Logger
	// Preflight, if set, is called before the snapshot is taken with the
	// size of the newest set in Dest, to check that Dest can take another.
	// It returns the destination's storage quota when it knows it.
	Preflight func(ctx context.Context, need int64) (*Quota, error)
	// Copy, if set, also receives every file of a stored set (a local
	// copy beside Google Drive). A failed copy is a warning.
	Copy Destination
	// StoreWhileWriting uploads the file of each text format while it is
	// written (see follow.go): for a network destination, where storing
	// takes about as long as writing. Not for a local folder, which takes
	// a sealed file by linking it.
	StoreWhileWriting bool
	// Encoder, if set, compresses and encrypts every file of a set but
	// the manifest after it is written and before it is checksummed and
	// stored (BACKUP_COMPRESS, BACKUP_ENCRYPT_RECIPIENTS).
	Encoder Encoder
}

func (r *Runner) job() string { return jobOrDefault(r.Job) }

func (r *Runner) prefix() string {
	if r.Prefix == "" {
		return DefaultPrefix
	}
	return r.Prefix
}

// Report is what a run did. It is complete up to the stage that failed.
type Report struct {
	SetID    string
	Started  time.Time
	Finished time.Time
	Snapshot SnapshotInfo
	Tables   []TableCount
	Files    []File // stored and verified, manifest last
	Warnings []string
	Quota    *Quota // the destination's storage before the run, when known
}

// ManifestSHA256 is the SHA-256 of the set's manifest, "" until it is
// stored. Kept apart from the set (in the report, the email and the run
// history), it lets Verify tell an edited manifest from the one written.
func (r *Report) ManifestSHA256() string {
	for _, f := range r.Files {
		if f.Format == FormatManifest {
			return f.SHA256
		}
	}
	return ""
}

// Size is the total size of the report's files.
func (r *Report) Size() int64 {
	var n int64
	for _, f := range r.Files {
		n += f.Size
	}
	return n
}

// Run makes one backup set, telling observe (when not nil) how it goes:
// each stage as it begins, each table's export, each file stored. A run
// stopped by cancelling ctx, from any goroutine, ends like any failed one:
// nothing of it is left that looks like a backup. On error nothing of the set is left in the
// destination or the staging folder, and the error is a *StageError; when
// even removing what was stored fails, the run's record stays in the
// staging folder and the next run's Recover removes it.
func (r *Runner) Run(ctx context.Context, observe Observer) (*Report, error) {
	rep := &Report{Started: r.Now()}
	observe.stage(StageCheck)
	st, err := r.stage(ctx, rep.Started)
	if err != nil {
		rep.Finished = r.Now()
		return rep, &StageError{StageCheck, err}
	}
	rep.SetID = st.setID
	st.observe = observe.serialized()
	err = r.run(ctx, rep, st)
	rep.Finished = r.Now()
	if err != nil {
		if derr := r.discard(ctx, rep, st); derr != nil {
			r.Log.Error("could not remove what the failed run stored: the next run tries again", "set", st.setID, "err", derr)
			st.removeFiles()
			return rep, err
		}
	}
	st.remove()
	return rep, err
}

func (r *Runner) run(ctx context.Context, rep *Report, st *staging) error {
	log := r.Log.With("set", st.setID)
	if r.Preflight != nil {
		q, err := r.Preflight(ctx, st.lastSize)
		if err != nil {
			return &StageError{StageCheck, err}
		}
		rep.Quota = q
	}

	staged, err := r.export(ctx, rep, st, log)
	if err != nil {
		return err
	}
	st.observe.stage(StageVerify)
	if err := r.verify(ctx, rep.Files); err != nil {
		return &StageError{StageVerify, err}
	}
	// The manifest goes last: a set without one is incomplete.
	m, err := st.writeManifest(r.manifest(rep))
	if err != nil {
		return &StageError{StageStore, err}
	}
	stored, err := r.put(ctx, st, m)
	if err != nil {
		return &StageError{StageStore, err}
	}
	rep.Files = append(rep.Files, stored)
	if r.Copy != nil {
		r.copy(ctx, rep, st, append(staged, m))
	}
	return nil
}

// copy stores the set in the Copy destination as well, manifest last. A
// copy that fails is removed again, so that the copy never holds a set that
// looks whole and is not; the set in Dest stands either way.
func (r *Runner) copy(ctx context.Context, rep *Report, st *staging, files []File) {
	var copied []File
	for _, f := range files {
		in, err := os.Open(st.path(f.Name))
		if err == nil {
			var c File
			c, err = r.Copy.Put(ctx, f, in)
			in.Close()
			copied = append(copied, c)
		}
		if err == nil {
			continue
		}
		w := fmt.Sprintf("the copy of set %s in %s was not made: %s: %v", st.setID, r.Copy, f.Name, err)
		for _, c := range copied {
			if c.ID == "" {
				continue
			}
			if derr := r.Copy.Delete(ctx, c); derr != nil {
				w += fmt.Sprintf("; %s could not be removed from the copy (%v): remove it by hand", c.Name, derr)
			}
		}
		rep.Warnings = append(rep.Warnings, w)
		return
	}
}

// export writes every format from one snapshot and seals each file.
func (r *Runner) export(ctx context.Context, rep *Report, st *staging, log *slog.Logger) ([]File, error) {
	st.observe.stage(StageConnect)
	snap, err := r.DB.Snapshot(ctx)
	if err != nil {
		return nil, &StageError{StageConnect, err}
	}
	defer snap.Close(ctx)
	rep.Snapshot = snap.Info()
	st.database = rep.Snapshot.Database
	tables, err := r.Scope.SelectFrom(ctx, snap)
	if err != nil {
		// The settings name tables the database does not have.
		return nil, &StageError{StageConfig, err}
	}
	log.Info("snapshot taken", "database", rep.Snapshot.Database, "server", rep.Snapshot.ServerVersion, "tables", len(tables))
	if len(tables) == 0 {
		w := "the database " + rep.Snapshot.Database + " has no tables: the files hold no rows"
		for _, e := range r.Exporters {
			if i, _ := lookup(e.Format()); i.PgDump {
				w += " (the dump keeps its schema)"
			}
		}
		rep.Warnings = append(rep.Warnings, w)
		log.Warn(w)
	}
	// Files are stored while others are written: the record that lets
	// the next run remove them, should this one be killed, comes first.
	if err := r.writeRecord(st, rep.Snapshot.Database); err != nil {
		return nil, &StageError{StageStore, err}
	}
	st.observe.stage(StageExport)
	var files []File
	if sw, ok := snap.(SchemaWriter); ok {
		f, err := r.writeSchema(ctx, sw, tables, st)
		if err != nil {
			return nil, &StageError{StageExport, err}
		}
		log.Info("exported", "format", f.Format, "file", f.Name, "size", f.Size)
		files = append(files, f)
	}
	written, err := r.exportAll(ctx, rep, st, snap, tables, files, log)
	if err != nil {
		return nil, err
	}
	return append(files, written...), nil
}

// writeSchema writes the set's schema file and seals it, so that it is
// stored, verified and listed in the manifest like the data files.
func (r *Runner) writeSchema(ctx context.Context, sw SchemaWriter, tables []Table, st *staging) (File, error) {
	name := st.setID + FormatSchema.Suffix(len(tables))
	st.observe.call(Progress{Stage: StageExport, Format: FormatSchema})
	f, err := os.OpenFile(st.path(name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return File{}, err
	}
	w := bufio.NewWriter(f)
	// The snapshot knows the database, not the set: the set goes first.
	fmt.Fprintf(w, "-- %s: the schema of backup set %s, made by dbbackup %s.\n", name, st.setID, Version)
	err = sw.WriteSchema(ctx, tables, w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, fmt.Errorf("schema: write %s: %w", name, err)
	}
	return st.seal(name, FormatSchema, nil)
}

// hashesRows tells whether the export fingerprints the rows beside the
// formats, text of them reading rows: the snapshot fingerprints
// (Fingerprinter), no format is csv (which fingerprints what it writes),
// and the snapshot can hash rows the text formats read (CSVWriterFrom).
func (r *Runner) hashesRows(snap Snapshot, text int) bool {
	if _, ok := snap.(Fingerprinter); !ok {
		return false
	}
	if _, ok := snap.(CSVWriterFrom); !ok && text > 0 {
		return false
	}
	for _, e := range r.Exporters {
		if e.Format() == FormatCSV {
			return false
		}
	}
	return true
}

// fingerprintRows puts the fingerprint of every table in sums while the
// formats are written: from a fan-out view, snap writes the rows the
// formats read as CSV to nothing but its hash (and then has the table's
// fingerprint); from snap itself (no text format), it is one more read,
// beside pg_dump.
func fingerprintRows(ctx context.Context, snap Snapshot, from Source, tables []Table, sums map[[2]string]string) error {
	fp := snap.(Fingerprinter)
	v, shared := from.(*FanView)
	csv, _ := snap.(CSVWriterFrom) // there when shared (hashesRows)
	for _, t := range tables {
		if shared {
			if _, err := csv.CopyCSVFrom(ctx, v.Rows, t, io.Discard); err != nil {
				return fmt.Errorf("fingerprint %s: %w", t, err)
			}
		}
		sum, err := fp.Fingerprint(ctx, t)
		if err != nil {
			return err
		}
		sums[[2]string{t.Schema, t.Name}] = sum
	}
	return nil
}

// fingerprint fills in the fingerprint of every table counted: the one
// fingerprintRows took during the export (sums), else the snapshot's.
// Those of the tables the csv format wrote cost nothing (the snapshot took
// them as it wrote); a table no one hashed is read once more.
func fingerprint(ctx context.Context, fp Fingerprinter, tables []Table, counts []TableCount, sums map[[2]string]string) error {
	index := make(map[[2]string]int, len(counts))
	for i, c := range counts {
		index[[2]string{c.Schema, c.Name}] = i
	}
	for _, t := range tables {
		key := [2]string{t.Schema, t.Name}
		i, ok := index[key]
		if !ok {
			continue
		}
		sum := sums[key]
		if sum == "" {
			var err error
			if sum, err = fp.Fingerprint(ctx, t); err != nil {
				return err
			}
		}
		counts[i].Fingerprint = sum
	}
	return nil
}

// exported is what one exporter made.
type exported struct {
	file File
	res  ExportResult
}

// exportAll runs every exporter at once, each on a goroutine: the text
// formats read the snapshot through one fan-out (each table is read once
// for all of them) and pg_dump reads it by its id. The first failure stops
// the others. Counts and warnings are merged in the exporters' order, and
// every table counted gets its fingerprint (see fingerprint).
func (r *Runner) exportAll(ctx context.Context, rep *Report, st *staging, snap Snapshot, tables []Table, first []File, log *slog.Logger) ([]File, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	src := Source(snap)
	var progress *progressSource
	if st.observe != nil {
		progress = &progressSource{Source: snap, report: st.observe, now: r.Now}
		src = progress
	}
	var text []int // the exporters that read rows
	for i, e := range r.Exporters {
		if info, _ := lookup(e.Format()); !info.PgDump {
			text = append(text, i)
		}
	}
	sources := make([]Source, len(r.Exporters))
	for i := range sources {
		sources[i] = src
	}
	if progress != nil {
		for _, i := range text {
			progress.formats = append(progress.formats, r.Exporters[i].Format())
		}
	}
	readers := len(text)
	hash := r.hashesRows(snap, len(text))
	if hash {
		readers++ // the last view is the fingerprints'
	}
	var views []*FanView
	if readers > 1 {
		views = FanOut(ctx, src, readers)
		for k, i := range text {
			sources[i] = views[k]
		}
	}

	var (
		mu   sync.Mutex
		errs []error // in the order they happened
		wg   sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
		cancel(ErrOtherFormatFailed) // after the cause is recorded
	}
	done := make([]exported, len(r.Exporters))
	sealed := make(chan toStore, len(first)+len(r.Exporters))
	for _, f := range first {
		sealed <- toStore{file: f}
	}
	order := map[string]int{} // a stored file's place in the report
	for i, f := range first {
		order[f.Name] = i - len(first)
	}
	// Files are stored as they are sealed. A network destination's
	// uploads share one line and go one at a time; the local folder's
	// stores go at once, so that one it must read again or copy (a file
	// changed since it was sealed, another file system) holds up no
	// other.
	storers := 1
	if !r.StoreWhileWriting {
		storers = cap(sealed)
	}
	var storing sync.WaitGroup
	for range storers {
		storing.Go(func() {
			for s := range sealed {
				if ctx.Err() != nil {
					continue // the run failed: store no more
				}
				f, err := r.store(ctx, st, s)
				if err != nil {
					fail(&StageError{StageStore, err})
					continue
				}
				mu.Lock()
				rep.Files = append(rep.Files, f)
				mu.Unlock()
				log.Info("stored", "file", f.Name, "size", f.Size, "sha256", f.SHA256)
			}
		})
	}
	sums := map[[2]string]string{} // the fingerprints taken during the export
	if hash {
		var from Source = snap // alone: read once more, beside pg_dump
		if views != nil {
			from = views[len(views)-1]
		}
		wg.Go(func() {
			err := fingerprintRows(ctx, snap, from, tables, sums)
			if v, ok := from.(*FanView); ok {
				v.Leave()
			}
			if err != nil {
				fail(&StageError{StageExport, err})
			}
		})
	}
	var uploads sync.WaitGroup // the uploads that follow files as they are written
	for i, e := range r.Exporters {
		st.observe.call(Progress{Stage: StageExport, Format: e.Format()})
		name := st.setID + e.Extension(tables)
		w := newWriting(st.path(name))
		var up *early
		if r.follows(st, name, e.Format()) {
			st.putTried.Store(true)
			up = r.upload(ctx, st, w, name, e.Format())
			uploads.Go(func() { up.wait() })
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			x, err := r.exportOne(ctx, st, e, w, sources[i], tables, log)
			if v, ok := sources[i].(*FanView); ok {
				v.Leave()
			}
			if err != nil {
				fail(err)
				return
			}
			done[i] = x
			mu.Lock()
			order[x.file.Name] = i
			mu.Unlock()
			sealed <- toStore{file: x.file, early: up}
		}()
	}
	wg.Wait()
	mu.Lock()
	if len(errs) == 0 {
		st.observe.stage(StageStore) // the files not stored yet
	}
	mu.Unlock()
	close(sealed)
	storing.Wait()
	uploads.Wait() // a failed run's uploads end (cancelled) before it is cleaned up
	if err := exportFailure(ctx, errs); err != nil {
		return nil, err
	}
	// The report lists the files in the order they were made, whatever
	// the order they were stored in.
	slices.SortStableFunc(rep.Files, func(a, b File) int { return order[a.Name] - order[b.Name] })
	var files []File
	for i, e := range r.Exporters {
		if err := mergeCounts(rep, e.Format(), done[i].res.Tables); err != nil {
			return nil, &StageError{StageExport, err}
		}
		rep.Warnings = append(rep.Warnings, done[i].res.Warnings...)
		files = append(files, done[i].file)
	}
	if len(rep.Tables) == 0 { // dump alone counts no rows
		for _, t := range tables {
			rep.Tables = append(rep.Tables, TableCount{Schema: t.Schema, Name: t.Name, Rows: -1})
		}
	}
	if fp, ok := snap.(Fingerprinter); ok {
		if err := fingerprint(ctx, fp, tables, rep.Tables, sums); err != nil {
			return nil, &StageError{StageExport, err}
		}
	}
	return files, nil
}

// exportOne writes the file w of one exporter and seals it; w's followers
// learn when the exporter returned.
func (r *Runner) exportOne(ctx context.Context, st *staging, e Exporter, w *writing, src Source, tables []Table, log *slog.Logger) (exported, error) {
	started := r.Now()
	name := filepath.Base(w.path)
	stopWriteBack := fsutil.WriteBack(w.path)
	res, sum, err := st.export(ctx, e, src, tables, name)
	stopWriteBack()
	w.finish(err)
	if err != nil {
		return exported{}, &StageError{StageExport, fmt.Errorf("%s: %w", e.Format(), err)}
	}
	written := r.Now()
	f, err := st.seal(name, e.Format(), sum)
	if err != nil {
		return exported{}, &StageError{StageExport, err}
	}
	f.Parts = res.Parts
	log.Info("exported", "format", e.Format(), "file", f.Name, "size", f.Size, "duration", r.Now().Sub(started).Round(time.Millisecond),
		"sealed_in", r.Now().Sub(written).Round(time.Millisecond))
	return exported{file: f, res: res}, nil
}

// mergeCounts records row counts; every format read the same snapshot, so
// they must agree. A difference means a bug, and the set is not trusted.
func mergeCounts(rep *Report, format Format, counts []TableCount) error {
	if len(counts) == 0 {
		return nil
	}
	if len(rep.Tables) == 0 {
		rep.Tables = counts
		return nil
	}
	for i, c := range counts {
		if i >= len(rep.Tables) || !sameCount(rep.Tables[i], c) {
			return fmt.Errorf("%s wrote %d rows of %s.%s, another format wrote a different count", format, c.Rows, c.Schema, c.Name)
		}
	}
	return nil
}

// sameCount tells whether two formats saw the same rows of the same table.
// A fingerprint, filled in after every export, differs only when both
// formats carry one.
func sameCount(a, b TableCount) bool {
	return a.Schema == b.Schema && a.Name == b.Name && a.Rows == b.Rows &&
		(a.Fingerprint == "" || b.Fingerprint == "" || a.Fingerprint == b.Fingerprint)
}

// toStore is a sealed file for the uploader, with the upload that
// followed it while it was written, if any.
type toStore struct {
	file  File
	early *early
}

// store stores a sealed file: it keeps the upload that followed the file
// if that stored the same bytes, and puts the file otherwise.
func (r *Runner) store(ctx context.Context, st *staging, s toStore) (File, error) {
	if s.early != nil {
		stored, ok, err := r.keep(ctx, s.early, s.file)
		if err != nil {
			return File{}, err
		}
		if ok {
			return r.stored(st, stored, s.file), nil
		}
	}
	return r.put(ctx, st, s.file)
}

func (r *Runner) put(ctx context.Context, st *staging, f File) (File, error) {
	in, err := os.Open(st.path(f.Name))
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	st.putTried.Store(true)
	stored, err := r.Dest.Put(ctx, f, st.forPut(in, f))
	if err != nil {
		return File{}, fmt.Errorf("put %s into %s: %w", f.Name, r.Dest, err)
	}
	return r.stored(st, stored, f), nil
}

// stored completes what the destination stored of the sealed file f with
// what only the run knows, and reports it.
func (r *Runner) stored(st *staging, stored, f File) File {
	stored.SHA256, stored.Parts = f.SHA256, f.Parts
	stored.Compression, stored.Encrypted, stored.PlainSHA256, stored.PlainSize = f.Compression, f.Encrypted, f.PlainSHA256, f.PlainSize
	st.observe.call(Progress{Stage: StageStore, File: stored.Name, Bytes: stored.Size, Done: true})
	return stored
}

// verify lists the destination anew and checks that every file is there
// with its size and, where the destination reports one, its md5.
func (r *Runner) verify(ctx context.Context, files []File) error {
	listed, err := r.Dest.List(ctx)
	if err != nil {
		return err
	}
	byID := make(map[string]File, len(listed))
	for _, f := range listed {
		byID[f.ID] = f
	}
	for _, f := range files {
		got, ok := byID[f.ID]
		switch {
		case !ok:
			return fmt.Errorf("%s is missing from %s after upload", f.Name, r.Dest)
		case got.Size != f.Size:
			return fmt.Errorf("%s: %s holds %d bytes, %d were written: %w", f.Name, r.Dest, got.Size, f.Size, ErrChecksumMismatch)
		case got.MD5 != "" && got.MD5 != f.MD5:
			return fmt.Errorf("%s: md5 in %s is %s, the file's is %s: %w", f.Name, r.Dest, got.MD5, f.MD5, ErrChecksumMismatch)
		}
	}
	return nil
}

func (r *Runner) manifest(rep *Report) *Manifest {
	return &Manifest{
		Format: ManifestFormat, SetID: rep.SetID, ToolVersion: Version, Job: r.job(),
		Database: rep.Snapshot.Database, ServerVersion: rep.Snapshot.ServerVersion,
		SnapshotTime: rep.Snapshot.SnapshotTime, TimeZone: rep.Snapshot.TimeZone,
		StartedAt: rep.Started, FinishedAt: r.Now(),
		Tables: rep.Tables, Files: rep.Files, Warnings: append([]string{}, rep.Warnings...), OneOff: r.OneOff,
	}
}

// discard removes what a failed run stored, so that nothing of it looks
// like a backup: the files it knows of, and those the destination lists
// under the set's id, such as an upload whose answer was lost. A run that
// uploaded files while they were written looks twice: an upload cut off
// by the failure may still be finished by the server after it (Drive
// stores a file whose last bytes it had; the answer is what was lost), so
// it lists its set again once that had time. It works on even when ctx
// was canceled.
func (r *Runner) discard(ctx context.Context, rep *Report, st *staging) error {
	if !st.putTried.Load() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	files := rep.Files
	rep.Files = nil
	var errs []error
	for look := 1; ; look++ {
		listed, lerr := r.Dest.List(ctx)
		if lerr == nil {
			known := map[string]bool{}
			for _, f := range files {
				known[f.ID] = true
			}
			for _, f := range filesOf(listed, rep.SetID) {
				if !known[f.ID] {
					files = append(files, f)
				}
			}
		}
		_, err := deleteAll(ctx, r.Dest, files)
		errs = append(errs, lerr, err)
		if lerr != nil || look == 2 || !r.StoreWhileWriting {
			return errors.Join(errs...)
		}
		select {
		case <-time.After(discardSettle):
		case <-ctx.Done():
		}
		files = nil
	}
}

// discardSettle is how long a failed run that uploaded files waits before
// it lists its set once more (see discard).
const discardSettle = time.Second
