package dbbackup_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dbbackup/dbbackup"
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
