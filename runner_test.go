package dbbackup_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

// fakeDB serves two small tables from memory, or none. With schema set,
// its snapshots are SchemaWriters too.
type fakeDB struct {
	openErr  error
	noTables bool
	schema   *fakeSchema
}

func (d fakeDB) Snapshot(context.Context) (dbbackup.Snapshot, error) {
	if d.openErr != nil {
		return nil, d.openErr
	}
	s := &fakeSnapshot{noTables: d.noTables}
	if d.schema != nil {
		return schemaSnapshot{s, d.schema}, nil
	}
	return s, nil
}

type fakeSnapshot struct{ closed, noTables bool }

var fakeTables = []dbbackup.Table{
	{Schema: "public", Name: "a", Columns: []dbbackup.Column{{Name: "x", Type: "integer", Kind: dbbackup.KindInt}}},
	{Schema: "public", Name: "b", Columns: []dbbackup.Column{{Name: "y", Type: "text", Kind: dbbackup.KindText}}},
}

func (s *fakeSnapshot) Info() dbbackup.SnapshotInfo {
	return dbbackup.SnapshotInfo{Database: "shop", ServerVersion: "15.20", ServerMajor: 15, TimeZone: "UTC"}
}
func (s *fakeSnapshot) Tables(context.Context) ([]dbbackup.Table, error) {
	if s.noTables {
		return nil, nil
	}
	return fakeTables, nil
}
func (s *fakeSnapshot) Close(context.Context) error { s.closed = true; return nil }
func (s *fakeSnapshot) CopyCSV(_ context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	_, err := fmt.Fprintf(w, "%s\n1\n2\n", t.Columns[0].Name)
	return 2, err
}
func (s *fakeSnapshot) Rows(_ context.Context, t dbbackup.Table, _ dbbackup.RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
	for i := 1; i <= 2; i++ {
		if err := fn([][]byte{[]byte(fmt.Sprint(i))}, nil); err != nil {
			return int64(i - 1), err
		}
	}
	return 2, nil
}

// lineExporter writes every row as a line. fail, if set, is returned after
// half the output was written, like a disk that fills up.
type lineExporter struct {
	format dbbackup.Format
	fail   error
	rows   int64 // rows to claim per table; 0: the real count
	// pause, if set, is called after the first table with the file still
	// open: it can wait for the file's upload to begin, change what was
	// written, or fail.
	pause func(f *os.File, name string) error
}

func (e *lineExporter) Format() dbbackup.Format           { return e.format }
func (e *lineExporter) Extension([]dbbackup.Table) string { return "." + string(e.format) }
func (e *lineExporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	f, err := os.Create(path)
	if err != nil {
		return dbbackup.ExportResult{}, err
	}
	defer f.Close()
	return e.lines(ctx, src, tables, f, func() error {
		if e.pause == nil {
			return nil
		}
		return e.pause(f, filepath.Base(path))
	})
}

// lines writes a line per row to w, and calls paused after the first
// table.
func (e *lineExporter) lines(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, w io.Writer, paused func() error) (dbbackup.ExportResult, error) {
	var res dbbackup.ExportResult
	for i, t := range tables {
		n, err := src.Rows(ctx, t, dbbackup.RowsOptions{}, func(v [][]byte, _ []*io.SectionReader) error {
			_, err := fmt.Fprintf(w, "%s\t%s\n", t, v[0])
			return err
		})
		if err != nil {
			return res, err
		}
		if e.fail != nil {
			return res, e.fail
		}
		if e.rows != 0 {
			n = e.rows
		}
		res.Tables = append(res.Tables, dbbackup.TableCount{Schema: t.Schema, Name: t.Name, Rows: n})
		if i == 0 && paused != nil {
			if err := paused(); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// streamExporter writes lineExporter's lines as a StreamExporter, as the
// csv and json exporters do. It notes whether the writer it was handed
// could go back in the file.
type streamExporter struct {
	lineExporter
	couldGoBack bool
}

func (e *streamExporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	return dbbackup.ExportFile(ctx, e, src, tables, path, nil)
}

func (e *streamExporter) ExportTo(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, w io.Writer) (dbbackup.ExportResult, error) {
	_, seeks := w.(io.Seeker)
	_, writesAt := w.(io.WriterAt)
	e.couldGoBack = seeks || writesAt
	return e.lines(ctx, src, tables, w, nil)
}

// eachWay runs test as a subtest called name, once with files stored
// after they are written and once with StoreWhileWriting.
func eachWay(t *testing.T, name string, test func(t *testing.T, follow bool)) {
	for _, follow := range []bool{false, true} {
		sub := name + "/stored after written"
		if follow {
			sub = name + "/stored while written"
		}
		t.Run(strings.TrimPrefix(sub, "/"), func(t *testing.T) { test(t, follow) })
	}
}

func newRunner(t *testing.T, exporters ...dbbackup.Exporter) (*dbbackup.Runner, *localdir.Dir) {
	t.Helper()
	dir := t.TempDir()
	dest, err := localdir.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(exporters) == 0 {
		exporters = []dbbackup.Exporter{&lineExporter{format: "csv"}, &lineExporter{format: "json"}}
	}
	return &dbbackup.Runner{
		DB: fakeDB{}, Exporters: exporters, Dest: dest,
		StagingDir: filepath.Join(dir, ".partial"),
		Location:   time.UTC,
		Now:        func() time.Time { return time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC) },
		Log:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, dest
}

func TestRunStoresVerifiedSetWithManifestLast(t *testing.T) {
	r, dest := newRunner(t)
	rep, err := r.Run(context.Background(), nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rep.SetID != "backup_20260210_020000" {
		t.Fatalf("set id %q", rep.SetID)
	}
	assertFileNames(t, rep, "backup_20260210_020000.csv backup_20260210_020000.json backup_20260210_020000.manifest.json")
	m := readManifest(t, dest, rep.SetID)
	if len(m.Files) != 2 || len(m.Tables) != 2 || m.Tables[0].Rows != 2 || m.Database != "shop" {
		t.Fatalf("manifest %+v", m)
	}
	assertStoredAsManifested(t, dest, rep.SetID)
	assertStagingEmpty(t, r)
}

// A database with no tables is backed up with a warning, which mentions
// the schema only when a format the registry makes with pg_dump keeps it.
func TestAnEmptyDatabaseIsAWarning(t *testing.T) {
	for _, dump := range []bool{false, true} {
		exporters := []dbbackup.Exporter{&lineExporter{format: "csv"}}
		if dump {
			exporters = append(exporters, &lineExporter{format: dbbackup.FormatDump})
		}
		r, _ := newRunner(t, exporters...)
		r.DB = fakeDB{noTables: true}
		rep, err := r.Run(context.Background(), nil)
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		w := strings.Join(rep.Warnings, "\n")
		if !strings.Contains(w, "has no tables") || strings.Contains(w, "the dump keeps its schema") != dump {
			t.Errorf("with a dump %v, warnings: %q", dump, rep.Warnings)
		}
	}
}

func TestRunInTheSameSecondGetsADistinctName(t *testing.T) {
	r, _ := newRunner(t)
	first, err := r.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if first.SetID == second.SetID || second.SetID != "backup_20260210_020000_2" {
		t.Fatalf("ids %q and %q", first.SetID, second.SetID)
	}
}

func TestFailedRunLeavesNothing(t *testing.T) {
	diskFull := &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}
	tests := []struct {
		name      string
		db        dbbackup.Database
		exporters []dbbackup.Exporter
		stage     dbbackup.Stage
		cause     error
	}{
		{"database down", fakeDB{openErr: errors.New("connection refused")}, nil, dbbackup.StageConnect, nil},
		{"disk full in the second format", nil, []dbbackup.Exporter{&lineExporter{format: "csv"}, &lineExporter{format: "json", fail: diskFull}},
			dbbackup.StageExport, syscall.ENOSPC},
		{"disk full in a format the run writes itself", nil, []dbbackup.Exporter{&lineExporter{format: "csv"},
			&streamExporter{lineExporter: lineExporter{format: "json", fail: diskFull}}},
			dbbackup.StageExport, syscall.ENOSPC},
		{"formats disagree on a row count", nil, []dbbackup.Exporter{&lineExporter{format: "csv"}, &lineExporter{format: "json", rows: 3}},
			dbbackup.StageExport, nil},
	}
	for _, tt := range tests {
		eachWay(t, tt.name, func(t *testing.T, follow bool) {
			r, dest := newRunner(t, tt.exporters...)
			r.StoreWhileWriting = follow
			if tt.db != nil {
				r.DB = tt.db
			}
			_, err := r.Run(context.Background(), nil)
			var se *dbbackup.StageError
			if !errors.As(err, &se) || se.Stage != tt.stage {
				t.Fatalf("got %v, want a failure in stage %s", err, tt.stage)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Fatalf("got %v, want it to wrap %v", err, tt.cause)
			}
			assertDestEmpty(t, dest)
			assertStagingEmpty(t, r)
		})
	}
}

// failingDest fails the Put of one file after storing the others.
type failingDest struct {
	*localdir.Dir
	failOn string
}

func (d failingDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if strings.HasSuffix(f.Name, d.failOn) {
		return dbbackup.File{}, errors.New("503 service unavailable")
	}
	return d.Dir.Put(ctx, f, r)
}

func TestFailedStoreRemovesWhatWasStored(t *testing.T) {
	for _, failOn := range []string{".json", ".manifest.json"} {
		eachWay(t, failOn, func(t *testing.T, follow bool) {
			r, dest := newRunner(t)
			r.Dest, r.StoreWhileWriting = failingDest{dest, failOn}, follow
			_, err := r.Run(context.Background(), nil)
			var se *dbbackup.StageError
			if !errors.As(err, &se) || se.Stage != dbbackup.StageStore {
				t.Fatalf("got %v, want a store failure", err)
			}
			assertDestEmpty(t, dest)
			assertStagingEmpty(t, r)
		})
	}
}

// TestCanceledRunLeavesNothing: a run cancelled from another goroutine
// (a server's "stop" button) while it exports ends as a failed run that
// left nothing behind.
func TestCanceledRunLeavesNothing(t *testing.T) {
	eachWay(t, "", testCanceledRunLeavesNothing)
}

func testCanceledRunLeavesNothing(t *testing.T, follow bool) {
	r, dest := newRunner(t)
	r.StoreWhileWriting = follow
	ctx, cancel := context.WithCancel(context.Background())
	exporting := make(chan struct{})
	var once sync.Once
	go func() { <-exporting; cancel() }()
	observe := func(p dbbackup.Progress) {
		if p.Stage == dbbackup.StageExport {
			once.Do(func() { close(exporting) })
		}
	}
	r.Exporters = []dbbackup.Exporter{&lineExporter{format: "csv"}, &ctxExporter{}}
	if _, err := r.Run(ctx, observe); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
}

type ctxExporter struct{ lineExporter }

func (e *ctxExporter) Format() dbbackup.Format           { return "json" }
func (e *ctxExporter) Extension([]dbbackup.Table) string { return ".json" }
func (e *ctxExporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	if _, err := e.lineExporter.Export(ctx, src, tables, path); err != nil {
		return dbbackup.ExportResult{}, err
	}
	return dbbackup.ExportResult{}, ctx.Err()
}

// TestRealFullDisk runs out of space on a real (tmpfs) file system.
func TestRealFullDisk(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	r, dest := newRunner(t, &bigExporter{})
	r.StagingDir = filepath.Join(dir, ".partial")
	_, err := r.Run(context.Background(), nil)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("got %v, want ENOSPC", err)
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
}

// bigExporter writes more than the small disk holds.
type bigExporter struct{}

func (bigExporter) Format() dbbackup.Format           { return "csv" }
func (bigExporter) Extension([]dbbackup.Table) string { return ".csv" }
func (bigExporter) Export(_ context.Context, _ dbbackup.Source, _ []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	f, err := os.Create(path)
	if err != nil {
		return dbbackup.ExportResult{}, err
	}
	defer f.Close()
	_, err = io.Copy(f, io.LimitReader(zeroReader{}, 1<<20))
	return dbbackup.ExportResult{}, err
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func readManifest(t *testing.T, dest *localdir.Dir, setID string) *dbbackup.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dest.Path(), dbbackup.ManifestName(setID)))
	if err != nil {
		t.Fatal(err)
	}
	m, err := dbbackup.ReadManifest(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// assertStoredAsManifested checks every file the manifest lists against
// its size and sha256 in the destination.
func assertStoredAsManifested(t *testing.T, dest *localdir.Dir, setID string) {
	t.Helper()
	for _, f := range readManifest(t, dest, setID).Files {
		b, err := os.ReadFile(filepath.Join(dest.Path(), f.Name))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size {
			t.Errorf("%s: manifest says %d bytes sha256 %s; file has %d bytes", f.Name, f.Size, f.SHA256, len(b))
		}
	}
}

func assertDestEmpty(t *testing.T, dest dbbackup.Destination) {
	t.Helper()
	files, err := dest.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) > 0 {
		t.Fatalf("a failed run left %d files, e.g. %s", len(files), files[0].Name)
	}
}

func assertStagingEmpty(t *testing.T, r *dbbackup.Runner) {
	t.Helper()
	entries, err := os.ReadDir(r.StagingDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		t.Fatalf("staging folder keeps %s", entries[0].Name())
	}
}

// brokenDest refuses every Put and every Delete.
type brokenDest struct{ *localdir.Dir }

func (brokenDest) Put(context.Context, dbbackup.File, io.Reader) (dbbackup.File, error) {
	return dbbackup.File{}, errors.New("disk on fire")
}
func (brokenDest) Delete(context.Context, dbbackup.File) error { return errors.New("disk on fire") }

func TestAFailedCopyIsAWarning(t *testing.T) {
	r, dest := newRunner(t)
	copyDir, _ := localdir.New(t.TempDir())
	r.Copy = brokenDest{copyDir}
	rep, err := r.Run(context.Background(), nil)
	if err != nil {
		t.Fatalf("a failed local copy failed the run: %v", err)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "disk on fire") || !strings.Contains(rep.Warnings[0], "was not made") {
		t.Fatalf("warnings %q", rep.Warnings)
	}
	if n := len(readManifest(t, dest, rep.SetID).Files); n != 2 {
		t.Fatalf("the stored set has %d files", n)
	}
}

// TestAFailedCopyLeavesNothingThatLooksLikeASet: whichever file of the copy
// fails, the copy keeps no part of the set (before, a manifest was copied
// beside a missing data file, and the copy held a broken set forever).
func TestAFailedCopyLeavesNothingThatLooksLikeASet(t *testing.T) {
	for _, failing := range []dbbackup.Format{dbbackup.FormatCSV, dbbackup.FormatManifest} {
		t.Run(string(failing), func(t *testing.T) {
			r, dest := newRunner(t)
			copyDir, _ := localdir.New(t.TempDir())
			r.Copy = &refusingDest{Dir: copyDir, format: failing}
			rep, err := r.Run(context.Background(), nil)
			if err != nil {
				t.Fatalf("a failed local copy failed the run: %v", err)
			}
			if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "was not made") {
				t.Fatalf("warnings %q", rep.Warnings)
			}
			if files, _ := copyDir.List(context.Background()); len(files) != 0 {
				t.Fatalf("the copy keeps %s of a set it could not finish", files[0].Name)
			}
			if n := len(readManifest(t, dest, rep.SetID).Files); n != 2 {
				t.Fatalf("the stored set has %d files", n)
			}
		})
	}
}

// refusingDest refuses to store files of one format.
type refusingDest struct {
	*localdir.Dir
	format dbbackup.Format
}

func (d *refusingDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if f.Format == d.format {
		return dbbackup.File{}, errors.New("disk on fire")
	}
	return d.Dir.Put(ctx, f, r)
}

// TestAFailedCleanupLeavesNoCompleteSet: the manifest cannot be stored and
// the files already stored cannot be deleted either. What stays has no
// manifest, so it is never taken for a backup, and retention keeps it.
func TestAFailedCleanupLeavesNoCompleteSet(t *testing.T) {
	r, dest := newRunner(t)
	r.Dest = &stuckDest{Dir: dest}
	if _, err := r.Run(context.Background(), nil); err == nil {
		t.Fatal("the run succeeded without its manifest")
	}
	files, _ := dest.List(context.Background())
	sets := dbbackup.Sets(files, time.UTC)
	if len(files) == 0 || len(sets) != 1 || sets[0].Complete {
		t.Fatalf("files %d, sets %+v", len(files), sets)
	}
	for _, d := range (dbbackup.Policy{Days: 1, MinKeep: 1}).Apply(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), sets) {
		if d.Remove {
			t.Fatalf("retention would remove the incomplete set: %s", d.Reason)
		}
	}
}

// stuckDest stores data files but not the manifest, and deletes nothing.
type stuckDest struct{ *localdir.Dir }

func (d *stuckDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if f.Format == dbbackup.FormatManifest {
		return dbbackup.File{}, errors.New("503")
	}
	return d.Dir.Put(ctx, f, r)
}
func (d *stuckDest) Delete(context.Context, dbbackup.File) error { return errors.New("503") }

// assertFileNames checks the names of the files a run stored, in order.
func assertFileNames(t *testing.T, rep *dbbackup.Report, want string) {
	t.Helper()
	var names []string
	for _, f := range rep.Files {
		names = append(names, f.Name)
	}
	if strings.Join(names, " ") != want {
		t.Fatalf("files %v, want %s", names, want)
	}
}

// md5Dest is a local folder that says it keeps an md5 of every file, as
// Google Drive does.
type md5Dest struct{ *localdir.Dir }

func (md5Dest) KeepsMD5() {}

// TestAFileGetsAnMD5OnlyWhereItIsKept: the local folder checks files by
// their sha256 and keeps no md5, so a run to it computes none (md5 costs
// more CPU than the rest of sealing a file); a destination that keeps
// one gets every file's, in the manifest too.
func TestAFileGetsAnMD5OnlyWhereItIsKept(t *testing.T) {
	for _, keeps := range []bool{false, true} {
		// The csv is summed as it is written, the json read once written.
		csv := &streamExporter{lineExporter: lineExporter{format: "csv"}}
		r, dir := newRunner(t, csv, &lineExporter{format: "json"})
		if keeps {
			r.Dest = md5Dest{dir}
		}
		rep, err := r.Run(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		listed := readManifest(t, dir, rep.SetID).Files
		for _, f := range append(listed, rep.Files...) {
			b, err := os.ReadFile(filepath.Join(dir.Path(), f.Name))
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if keeps {
				sum := md5.Sum(b)
				want = hex.EncodeToString(sum[:])
			}
			if f.MD5 != want || f.SHA256 == "" {
				t.Errorf("keeps md5 %v: %s has md5 %q and sha256 %q, want md5 %q and a sha256", keeps, f.Name, f.MD5, f.SHA256, want)
			}
		}
		assertStoredAsManifested(t, dir, rep.SetID)
		if csv.couldGoBack {
			t.Error("a StreamExporter was handed a writer that can go back in its file")
		}
	}
}
