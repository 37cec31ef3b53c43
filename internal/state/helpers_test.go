package state

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

func openStore(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func begin(t *testing.T, s *Store, started time.Time) int64 {
	t.Helper()
	id, err := s.Begin(context.Background(), "", started)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func finish(t *testing.T, s *Store, id int64, o *dbbackup.Outcome) {
	t.Helper()
	if err := s.Finish(context.Background(), id, o); err != nil {
		t.Fatal(err)
	}
}

// record begins and finishes a run of o in one go.
func record(t *testing.T, s *Store, o *dbbackup.Outcome) int64 {
	t.Helper()
	id := begin(t, s, o.Report.Started)
	finish(t, s, id, o)
	return id
}

var t0 = time.Date(2026, 2, 10, 2, 0, 0, 123456789, time.UTC)

// okOutcome is a successful run started at started with every field set,
// including a dump-only table (Rows -1) and names outside ASCII.
func okOutcome(started time.Time) *dbbackup.Outcome {
	id := dbbackup.SetIDAt("backup", started, 1)
	old := dbbackup.Set{ID: "backup_20251201_020000", Time: time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC), Complete: true,
		Files: []dbbackup.File{{Name: "backup_20251201_020000.csv.zip", Size: 700}, {Name: "backup_20251201_020000.manifest.json", Size: 50}}}
	stuck := dbbackup.Set{ID: "backup_20251202_020000", Time: time.Date(2025, 12, 2, 2, 0, 0, 0, time.UTC), Complete: true,
		Files: []dbbackup.File{{Name: "backup_20251202_020000.manifest.json", Size: 40}}}
	kept := dbbackup.Set{ID: "backup_20260209_020000", Time: time.Date(2026, 2, 9, 2, 0, 0, 0, time.UTC),
		Files: []dbbackup.File{{Name: "backup_20260209_020000.dump", Size: 9000}}}
	return &dbbackup.Outcome{
		Report: &dbbackup.Report{
			SetID:    id,
			Started:  started,
			Finished: started.Add(95 * time.Second),
			Snapshot: dbbackup.SnapshotInfo{Database: "shop", ServerVersion: "15.20 (Debian 15.20-0+deb12u1)", ServerMajor: 15,
				SnapshotID: "00000003-0000001B-1", SnapshotTime: started.Add(2 * time.Second), TimeZone: "Europe/Berlin"},
			Tables: []dbbackup.TableCount{
				{Schema: "public", Name: "orders", Rows: 1200},
				{Schema: "straße", Name: "Zählerstände 📈", Rows: 0},
				{Schema: "public", Name: "partitioned", Rows: -1},
			},
			Files: []dbbackup.File{
				{Name: id + ".csv.zip", SetID: id, Format: dbbackup.FormatCSV, Size: 123456, SHA256: "9f86d081884c7d65", MD5: "098f6bcd",
					ID: "1AbCcsv", Link: "https://drive.google.com/file/d/1AbCcsv/view"},
				{Name: id + ".manifest.json", SetID: id, Format: dbbackup.FormatManifest, Size: 2048, SHA256: "e3b0c442", MD5: "d41d8cd9",
					ID: "1AbCman", Link: "https://drive.google.com/file/d/1AbCman/view"},
			},
			Warnings: []string{`table "straße"."Zählerstände 📈" has no primary key`, "the copy in /srv/backup failed: disk full"},
			Quota:    &dbbackup.Quota{Used: 5 << 30, Limit: 15 << 30},
		},
		Destination: "Google Drive folder 1AbC…",
		Retention: &dbbackup.RetentionResult{
			Decisions: []dbbackup.Decision{
				{Set: kept, Reason: "incomplete (no manifest): kept, remove it by hand once checked"},
				{Set: stuck, Remove: true, Reason: "older than 30 days (2025-12-02)"},
				{Set: old, Remove: true, Reason: "older than 30 days (2025-12-01)"},
			},
			Removed: []dbbackup.Set{old},
			Failed:  []dbbackup.SetError{{Set: stuck, Err: "googleapi: Error 500: backendError"}},
		},
	}
}

// failedOutcome is a run that could not reach the database.
func failedOutcome(started time.Time) *dbbackup.Outcome {
	err := &dbbackup.StageError{Stage: dbbackup.StageConnect, Err: dbbackup.WithHint(errors.New("connect to db.example:5432: connection refused"),
		"start PostgreSQL or fix DATABASE_URL, then run dbbackup check")}
	return &dbbackup.Outcome{
		Report:      &dbbackup.Report{Started: started, Finished: started.Add(time.Second), Warnings: []string{"first warning"}},
		Err:         err,
		Stage:       dbbackup.StageConnect,
		Destination: "local folder /srv/backup",
	}
}
