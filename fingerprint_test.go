package dbbackup_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/export/csv"
)

// fingerprintDB serves fakeDB's tables through a Snapshot that also
// fingerprints them: a table's fingerprint names it, or fails with err.
type fingerprintDB struct {
	err   error
	asked *[]string
}

func (d fingerprintDB) Snapshot(ctx context.Context) (dbbackup.Snapshot, error) {
	s, err := fakeDB{}.Snapshot(ctx)
	return &fingerprintSnapshot{Snapshot: s, db: d}, err
}

type fingerprintSnapshot struct {
	dbbackup.Snapshot
	db fingerprintDB
}

func (s *fingerprintSnapshot) Fingerprint(_ context.Context, t dbbackup.Table) (string, error) {
	*s.db.asked = append(*s.db.asked, t.String())
	if s.db.err != nil {
		return "", s.db.err
	}
	return "xxh64sum:" + t.Name, nil
}

func TestTheManifestCarriesEveryTablesFingerprint(t *testing.T) {
	for _, formats := range [][]dbbackup.Format{{"csv", "json"}, {dbbackup.FormatDump}} {
		t.Run(string(formats[0]), func(t *testing.T) {
			var exporters []dbbackup.Exporter
			for _, f := range formats {
				var e dbbackup.Exporter = &lineExporter{format: f}
				if f == dbbackup.FormatDump {
					e = countlessExporter{e}
				}
				exporters = append(exporters, e)
			}
			r, dest := newRunner(t, exporters...)
			var asked []string
			r.DB = fingerprintDB{asked: &asked}
			rep, err := r.Run(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			m := readManifest(t, dest, rep.SetID)
			if len(m.Tables) != len(fakeTables) || len(asked) != len(fakeTables) {
				t.Fatalf("manifest tables %+v, fingerprints asked for %v", m.Tables, asked)
			}
			for i, tc := range m.Tables {
				want := dbbackup.TableCount{Schema: "public", Name: fakeTables[i].Name, Rows: 2, Fingerprint: "xxh64sum:" + fakeTables[i].Name}
				if formats[0] == dbbackup.FormatDump {
					want.Rows = -1 // a dump counts no rows, yet is fingerprinted
				}
				if tc != want {
					t.Errorf("manifest table %d: %+v, want %+v", i, tc, want)
				}
			}
		})
	}
}

// countlessExporter returns no row counts, as pg_dump tells none.
type countlessExporter struct{ dbbackup.Exporter }

func (e countlessExporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	res, err := e.Exporter.Export(ctx, src, tables, path)
	res.Tables = nil
	return res, err
}

func TestAFingerprintThatFailsFailsTheRun(t *testing.T) {
	r, dest := newRunner(t)
	var asked []string
	r.DB = fingerprintDB{err: errors.New("read public.a: connection lost"), asked: &asked}
	_, err := r.Run(context.Background(), nil)
	var se *dbbackup.StageError
	if !errors.As(err, &se) || se.Stage != dbbackup.StageExport {
		t.Fatalf("Run: %v, want a failure at the export stage", err)
	}
	if entries, _ := os.ReadDir(dest.Path()); len(entries) > 1 || (len(entries) == 1 && entries[0].Name() != filepath.Base(r.StagingDir)) {
		t.Errorf("the failed run left %v", entries)
	}
	assertStagingEmpty(t, r)
}

// hashingSnapshot is a countingSnapshot that fingerprints the tables it
// writes as CSV, as postgres.Snapshot does, and reads a table once more for
// a fingerprint it has not taken.
type hashingSnapshot struct {
	countingSnapshot
	mu   sync.Mutex
	sums map[string]string
	// failOn is a table whose read fails half way, as a lost connection.
	failOn string
}

func (s *hashingSnapshot) CopyCSVFrom(ctx context.Context, read dbbackup.RowsFunc, t dbbackup.Table, w io.Writer) (int64, error) {
	if t.Name == s.failOn {
		read = failHalfWay(read)
	}
	h := sha256.New()
	n, err := dbbackup.WriteCSV(ctx, read, t, io.MultiWriter(w, h), nil)
	if err == nil {
		s.mu.Lock()
		s.sums[t.String()] = fmt.Sprintf("sha256:%x", h.Sum(nil))
		s.mu.Unlock()
	}
	return n, err
}

func (s *hashingSnapshot) CopyCSV(ctx context.Context, t dbbackup.Table, w io.Writer) (int64, error) {
	return s.CopyCSVFrom(ctx, s.Rows, t, w)
}

func (s *hashingSnapshot) Fingerprint(ctx context.Context, t dbbackup.Table) (string, error) {
	s.mu.Lock()
	sum, ok := s.sums[t.String()]
	s.mu.Unlock()
	if ok {
		return sum, nil
	}
	if _, err := s.CopyCSVFrom(ctx, s.Rows, t, io.Discard); err != nil {
		return "", err
	}
	return s.Fingerprint(ctx, t)
}

type hashingDB struct{ snap *hashingSnapshot }

func (d hashingDB) Snapshot(context.Context) (dbbackup.Snapshot, error) { return d.snap, nil }

// TestARunWithoutCSVReadsEachTableOnce: json alone, or json and xlsx,
// fingerprint the rows they read as they go by, instead of reading every
// table once more after the export; dump alone reads them beside pg_dump.
// Every manifest carries the fingerprints a csv run takes.
func TestARunWithoutCSVReadsEachTableOnce(t *testing.T) {
	ok := func(dbbackup.Table, []byte) error { return nil }
	var want []dbbackup.TableCount
	for _, formats := range [][]dbbackup.Format{{"csv"}, {"json"}, {"json", "xlsx"}, {dbbackup.FormatDump}} {
		t.Run(fmt.Sprint(formats), func(t *testing.T) {
			var exporters []dbbackup.Exporter
			for _, f := range formats {
				var e dbbackup.Exporter = &funcExporter{format: f, row: ok}
				switch f {
				case dbbackup.FormatCSV:
					e = csv.Exporter{}
				case dbbackup.FormatDump:
					e = quickExporter{f} // pg_dump reads by itself
				}
				exporters = append(exporters, e)
			}
			r, dest := newRunner(t, exporters...)
			snap := &hashingSnapshot{countingSnapshot: countingSnapshot{&countingSource{rows: 1000}}, sums: map[string]string{}}
			r.DB = hashingDB{snap}
			rep, err := r.Run(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if n := snap.read.Load(); n != int64(len(numbered))*1000 {
				t.Errorf("%d rows read for %d tables of 1000", n, len(numbered))
			}
			m := readManifest(t, dest, rep.SetID)
			if want == nil {
				want = m.Tables
			}
			for i, tc := range m.Tables {
				if tc.Fingerprint == "" || tc.Fingerprint != want[i].Fingerprint {
					t.Errorf("%s: fingerprint %q, the csv run's %q", tc.Name, tc.Fingerprint, want[i].Fingerprint)
				}
			}
		})
	}
}

// failHalfWay is read, failing after 500 rows.
func failHalfWay(read dbbackup.RowsFunc) dbbackup.RowsFunc {
	return func(ctx context.Context, t dbbackup.Table, opt dbbackup.RowsOptions, fn func([][]byte, []*io.SectionReader) error) (int64, error) {
		n := 0
		return read(ctx, t, opt, func(v [][]byte, long []*io.SectionReader) error {
			if n++; n == 500 {
				return errors.New("read " + t.String() + ": connection lost")
			}
			return fn(v, long)
		})
	}
}

// TestAFingerprintThatFailsDuringTheExportStoresNothing: the read that
// fingerprints the rows beside the formats fails half way through a table
// (from the fan-out with json, beside pg_dump with dump alone); the run
// fails at the export stage, says why, and leaves nothing.
func TestAFingerprintThatFailsDuringTheExportStoresNothing(t *testing.T) {
	ok := func(dbbackup.Table, []byte) error { return nil }
	for _, e := range []dbbackup.Exporter{&funcExporter{format: "json", row: ok}, quickExporter{dbbackup.FormatDump}} {
		t.Run(string(e.Format()), func(t *testing.T) {
			r, dest := newRunner(t, e)
			snap := &hashingSnapshot{countingSnapshot: countingSnapshot{&countingSource{rows: 1000}}, sums: map[string]string{}, failOn: "b"}
			r.DB = hashingDB{snap}
			_, err := r.Run(context.Background(), nil)
			var se *dbbackup.StageError
			if !errors.As(err, &se) || se.Stage != dbbackup.StageExport || !strings.Contains(err.Error(), "connection lost") {
				t.Fatalf("Run: %v, want the lost connection at the export stage", err)
			}
			assertDestEmpty(t, dest)
			assertStagingEmpty(t, r)
		})
	}
}
