package dbbackup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/export/csv"
	"github.com/dbbackup/dbbackup/internal/export/json"
	"github.com/dbbackup/dbbackup/internal/export/xlsx"
	"github.com/dbbackup/dbbackup/internal/localdir"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/postgres"
)

// exportAtOnce runs every exporter at once, each through its view of one
// fan-out over src, as a run does, and returns their results and errors.
func exportAtOnce(ctx context.Context, src dbbackup.Source, exporters []dbbackup.Exporter, tables []dbbackup.Table, dir string) ([]dbbackup.ExportResult, []error) {
	views := dbbackup.FanOut(ctx, src, len(exporters))
	res := make([]dbbackup.ExportResult, len(exporters))
	errs := make([]error, len(exporters))
	var wg sync.WaitGroup
	for i, e := range exporters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer views[i].Leave()
			res[i], errs[i] = e.Export(ctx, views[i], tables, filepath.Join(dir, string(e.Format())+e.Extension(tables)))
		}()
	}
	wg.Wait()
	return res, errs
}

// TestFanOutWritesWhatEachFormatWritesAlone: the files written at once
// from one read of each table, and the fingerprints, are, byte for byte,
// those each format writes alone from the same snapshot, for every type,
// arrays (json wants them as JSON, the others as literals), generated
// columns (csv leaves them out) and rows whose long values come through
// temporary files.
func TestFanOutWritesWhatEachFormatWritesAlone(t *testing.T) {
	many := `CREATE TABLE many AS SELECT g AS id, md5(g::text) AS note, ARRAY[g, g+1] AS pair FROM generate_series(1, 10000) g;`
	db, err := postgres.New(pgtest.NewDatabase(t, pgtest.Testdata(t, "types.sql"), pgtest.Testdata(t, "copy_edges.sql"), many), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	snap, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close(ctx)
	tables, err := snap.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exporters := []dbbackup.Exporter{csv.Exporter{}, &xlsx.Exporter{}, &json.Exporter{}}
	atOnce := t.TempDir()
	got, errs := exportAtOnce(ctx, snap, exporters, tables, atOnce)
	// The csv fingerprinted every table as it wrote it, in the fan-out too:
	// no table is read again for it (which a cancelled context would fail).
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	fingerprints := func() (sums []string) {
		for _, tb := range tables {
			sum, err := snap.(dbbackup.Fingerprinter).Fingerprint(cancelled, tb)
			if err != nil {
				t.Fatalf("%s: %v", tb, err)
			}
			sums = append(sums, sum)
		}
		return sums
	}
	fanned := fingerprints()
	alone := t.TempDir()
	for i, e := range exporters {
		if errs[i] != nil {
			t.Fatalf("%s at once: %v", e.Format(), errs[i])
		}
		name := string(e.Format()) + e.Extension(tables)
		want, err := e.Export(ctx, snap, tables, filepath.Join(alone, name))
		if err != nil {
			t.Fatalf("%s alone: %v", e.Format(), err)
		}
		if fmt.Sprint(got[i]) != fmt.Sprint(want) {
			t.Errorf("%s at once: %+v, alone %+v", e.Format(), got[i], want)
		}
		a, _ := os.ReadFile(filepath.Join(alone, name))
		b, _ := os.ReadFile(filepath.Join(atOnce, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: %d bytes at once differ from the %d written alone", e.Format(), len(b), len(a))
		}
	}
	if a, b := fmt.Sprint(fingerprints()), fmt.Sprint(fanned); a != b {
		t.Errorf("fingerprints after the fan-out %s, alone %s", b, a)
	}
}

// countingSource serves tables of rows numbered 1…rows, one column, and
// counts the rows it gave.
type countingSource struct {
	rows int64
	read atomic.Int64
}

func (s *countingSource) Info() dbbackup.SnapshotInfo { return dbbackup.SnapshotInfo{Database: "shop"} }
func (s *countingSource) CopyCSV(ctx context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	return dbbackup.WriteCSV(ctx, s.Rows, t, w, nil)
}
func (s *countingSource) Rows(ctx context.Context, t dbbackup.Table, _ dbbackup.RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
	var v []byte
	for n := int64(1); n <= s.rows; n++ {
		if err := ctx.Err(); err != nil {
			return n - 1, err
		}
		s.read.Add(1)
		v = strconv.AppendInt(v[:0], n, 10)
		if err := fn([][]byte{v}, nil); err != nil {
			return n - 1, err
		}
	}
	return s.rows, nil
}

var numbered = []dbbackup.Table{
	{Schema: "public", Name: "a", Columns: []dbbackup.Column{{Name: "n", Type: "bigint", Kind: dbbackup.KindInt}}},
	{Schema: "public", Name: "b", Columns: []dbbackup.Column{{Name: "n", Type: "bigint", Kind: dbbackup.KindInt}}},
}

// funcExporter reads every table through src and calls row for each row.
type funcExporter struct {
	format dbbackup.Format
	row    func(t dbbackup.Table, v []byte) error
}

func (e *funcExporter) Format() dbbackup.Format           { return e.format }
func (e *funcExporter) Extension([]dbbackup.Table) string { return "." + string(e.format) }
func (e *funcExporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	var res dbbackup.ExportResult
	for _, t := range tables {
		var rows int64
		n, err := src.Rows(ctx, t, dbbackup.RowsOptions{}, func(v [][]byte, _ []*io.SectionReader) error {
			rows++
			return e.row(t, v[0])
		})
		if err != nil {
			return res, fmt.Errorf("table %s: %w", t, err)
		}
		if n != rows {
			return res, fmt.Errorf("table %s: Rows said %d rows, gave %d", t, n, rows)
		}
		res.Tables = append(res.Tables, dbbackup.TableCount{Schema: t.Schema, Name: t.Name, Rows: rows})
	}
	return res, os.WriteFile(path, nil, 0o600)
}

// TestFanOutReadsEachTableOnceAtThePaceOfTheSlowest: one read of each
// table serves every view, in the order of the rows; the read is never
// more than a few batches ahead of the slowest view (memory stays flat).
func TestFanOutReadsEachTableOnceAtThePaceOfTheSlowest(t *testing.T) {
	src := &countingSource{rows: 200_000}
	var fastRows, slowRows atomic.Int64
	var ahead int64
	check := func(seen *atomic.Int64) func(dbbackup.Table, []byte) error {
		var want int64
		return func(t dbbackup.Table, v []byte) error {
			want = want%src.rows + 1
			if string(v) != strconv.FormatInt(want, 10) {
				return fmt.Errorf("row %d of %s is %s", want, t, v)
			}
			seen.Add(1)
			return nil
		}
	}
	fast := check(&fastRows)
	slowCheck := check(&slowRows)
	var work [32]byte
	slow := func(t dbbackup.Table, v []byte) error {
		for range 8 { // a writer with more work a row than the read
			work = sha256.Sum256(work[:])
		}
		if d := src.read.Load() - slowRows.Load(); d > ahead {
			ahead = d
		}
		return slowCheck(t, v)
	}
	exporters := []dbbackup.Exporter{&funcExporter{format: "fast", row: fast}, &funcExporter{format: "slow", row: slow}}
	res, errs := exportAtOnce(context.Background(), src, exporters, numbered, t.TempDir())
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", exporters[i].Format(), err)
		}
		if fmt.Sprint(res[i].Tables) != "[{public a 200000 } {public b 200000 }]" {
			t.Errorf("%s counted %v", exporters[i].Format(), res[i].Tables)
		}
	}
	if n := src.read.Load(); n != 2*src.rows {
		t.Errorf("%d rows read from the source for 2 tables of %d", n, src.rows)
	}
	if ahead > dbbackup.FanOutBound {
		t.Errorf("the read went %d rows ahead of the slowest view, at most %d allowed", ahead, dbbackup.FanOutBound)
	}
}

// TestAWriterFailingMidTableStopsTheOthers: the others stop reading (the
// read stops too) and say why, so the failure itself is what the run
// reports.
func TestAWriterFailingMidTableStopsTheOthers(t *testing.T) {
	src := &countingSource{rows: 5_000_000}
	full := errors.New("no space left on device")
	var failing int64
	exporters := []dbbackup.Exporter{
		&funcExporter{format: "csv", row: func(dbbackup.Table, []byte) error { return nil }},
		&funcExporter{format: "json", row: func(dbbackup.Table, []byte) error {
			if failing++; failing == 1000 {
				return full
			}
			return nil
		}},
		&funcExporter{format: "xlsx", row: func(dbbackup.Table, []byte) error { return nil }},
	}
	_, errs := exportAtOnce(context.Background(), src, exporters, numbered, t.TempDir())
	if !errors.Is(errs[1], full) {
		t.Fatalf("the failing writer returned %v", errs[1])
	}
	for _, i := range []int{0, 2} {
		if !errors.Is(errs[i], dbbackup.ErrOtherFormatFailed) || !errors.Is(errs[i], context.Canceled) {
			t.Errorf("%s returned %v, want that another format failed", exporters[i].Format(), errs[i])
		}
	}
	if n := src.read.Load(); n >= src.rows {
		t.Errorf("the source gave all %d rows of the first table after a writer failed", n)
	}
}

// TestCancelledFanOutStopsEveryView: a cancelled run stops every format
// with the context's error.
func TestCancelledFanOutStopsEveryView(t *testing.T) {
	src := &countingSource{rows: 5_000_000}
	ctx, cancel := context.WithCancel(context.Background())
	var rows atomic.Int64
	row := func(dbbackup.Table, []byte) error {
		if rows.Add(1) == 5000 {
			cancel()
		}
		return nil
	}
	exporters := []dbbackup.Exporter{&funcExporter{format: "csv", row: row}, &funcExporter{format: "json", row: row}}
	_, errs := exportAtOnce(ctx, src, exporters, numbered, t.TempDir())
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s returned %v, want context.Canceled", exporters[i].Format(), err)
		}
	}
	if n := src.read.Load(); n >= src.rows {
		t.Errorf("the source gave all %d rows after the run was cancelled", n)
	}
}

// TestFanOutRefusesTablesInDifferentOrders: formats that would wait for
// each other forever fail instead.
func TestFanOutRefusesTablesInDifferentOrders(t *testing.T) {
	src := &countingSource{rows: 3}
	ctx := context.Background()
	views := dbbackup.FanOut(ctx, src, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, tb := range []dbbackup.Table{numbered[0], numbered[1]} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer views[i].Leave()
			_, errs[i] = views[i].Rows(ctx, tb, dbbackup.RowsOptions{}, func([][]byte, []*io.SectionReader) error { return nil })
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Errorf("view %d read a table while the other read another", i)
		}
	}
}

// countingDB serves src's numbered tables.
type countingDB struct{ src *countingSource }

func (d countingDB) Snapshot(context.Context) (dbbackup.Snapshot, error) {
	return countingSnapshot{d.src}, nil
}

type countingSnapshot struct{ *countingSource }

func (countingSnapshot) Tables(context.Context) ([]dbbackup.Table, error) { return numbered, nil }
func (countingSnapshot) Close(context.Context) error                      { return nil }

// TestARunWhoseWriterFailsMidTableStoresNothing: the run reports the
// writer's failure, not the stop of the others, and leaves nothing.
func TestARunWhoseWriterFailsMidTableStoresNothing(t *testing.T) {
	src := &countingSource{rows: 5_000_000}
	full := errors.New("no space left on device")
	var rows int64
	ok := func(dbbackup.Table, []byte) error { return nil }
	r, dest := newRunner(t,
		&funcExporter{format: "csv", row: ok},
		&funcExporter{format: "xlsx", row: func(dbbackup.Table, []byte) error {
			if rows++; rows == 20_000 {
				return full
			}
			return nil
		}},
		&funcExporter{format: "json", row: ok})
	r.DB = countingDB{src}
	_, err := r.Run(context.Background(), nil)
	var se *dbbackup.StageError
	if !errors.As(err, &se) || se.Stage != dbbackup.StageExport || !errors.Is(err, full) {
		t.Fatalf("got %v, want the xlsx writer's failure", err)
	}
	if n := src.read.Load(); n >= src.rows {
		t.Errorf("the source gave all %d rows of the first table after a writer failed", n)
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
}

// TestTheFailureIsReportedWhenItIsHeardLast: the writer that failed
// reports last, after the others stopped because of it and one of them saw
// the run's context end; the run still reports the writer's failure.
func TestTheFailureIsReportedWhenItIsHeardLast(t *testing.T) {
	src := &countingSource{rows: 5_000_000}
	full := errors.New("no space left on device")
	var rows, jsonRows int64
	var failed atomic.Bool
	waited := false
	ok := func(dbbackup.Table, []byte) error { return nil }
	r, dest := newRunner(t,
		&funcExporter{format: "csv", row: ok},
		&lateFailure{funcExporter{format: "xlsx", row: func(dbbackup.Table, []byte) error {
			if rows++; rows == 20_000 {
				failed.Store(true)
				return full
			}
			return nil
		}}},
		&funcExporter{format: "json", row: func(dbbackup.Table, []byte) error {
			// The slowest, batches behind the others when xlsx fails; it
			// is still reading when csv stops, and then sees the run end.
			if jsonRows++; jsonRows%512 == 0 {
				time.Sleep(time.Millisecond)
			}
			if failed.Load() && !waited {
				waited = true
				time.Sleep(50 * time.Millisecond)
			}
			return nil
		}})
	r.DB = countingDB{src}
	_, err := r.Run(context.Background(), nil)
	if !errors.Is(err, full) {
		t.Fatalf("got %v, want the xlsx writer's failure", err)
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
}

// lateFailure is an exporter that takes its time to return a failure, as
// one cleaning up a large file would.
type lateFailure struct{ funcExporter }

func (e *lateFailure) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	res, err := e.funcExporter.Export(ctx, src, tables, path)
	if err != nil {
		time.Sleep(500 * time.Millisecond) // the others hear of it first
	}
	return res, err
}

// quickExporter writes its file at once, reading no rows, as pg_dump
// could finish before the text formats.
type quickExporter struct{ format dbbackup.Format }

func (e quickExporter) Format() dbbackup.Format           { return e.format }
func (e quickExporter) Extension([]dbbackup.Table) string { return "." + string(e.format) }
func (e quickExporter) Export(_ context.Context, _ dbbackup.Source, _ []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	return dbbackup.ExportResult{}, os.WriteFile(path, []byte("quick"), 0o600)
}

// signallingDest fails the Put of the files named …failOn, and closes
// failed when it does.
type signallingDest struct {
	*localdir.Dir
	failOn string
	failed chan struct{}
	once   *sync.Once
}

func (d signallingDest) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	if strings.HasSuffix(f.Name, d.failOn) {
		d.once.Do(func() { close(d.failed) })
		return dbbackup.File{}, errors.New("503 service unavailable")
	}
	return d.Dir.Put(ctx, f, r)
}

// TestStoringOverlapsExporting: a file done early is stored while the
// others are written, and when storing it fails, the exports stop and the
// run stores nothing.
func TestStoringOverlapsExporting(t *testing.T) {
	src := &countingSource{rows: 5_000_000}
	failed := make(chan struct{})
	var rows int64
	waitForTheStore := func(dbbackup.Table, []byte) error {
		if rows++; rows == 1000 {
			<-failed // the dump is stored while the rows are written
		}
		return nil
	}
	r, dest := newRunner(t,
		&funcExporter{format: "csv", row: waitForTheStore},
		&funcExporter{format: "json", row: func(dbbackup.Table, []byte) error { return nil }},
		quickExporter{format: "dump"})
	r.DB = countingDB{src}
	r.Dest = signallingDest{Dir: dest, failOn: ".dump", failed: failed, once: new(sync.Once)}
	_, err := r.Run(context.Background(), nil)
	var se *dbbackup.StageError
	if !errors.As(err, &se) || se.Stage != dbbackup.StageStore || !strings.Contains(err.Error(), "503") {
		t.Fatalf("got %v, want the store's failure", err)
	}
	if n := src.read.Load(); n >= src.rows {
		t.Errorf("the source gave all %d rows of the first table after the store failed", n)
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
}
