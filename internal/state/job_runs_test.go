package state

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// recordJob begins and finishes a run of job in one go.
func recordJob(t *testing.T, s *Store, job string, o *dbbackup.Outcome) int64 {
	t.Helper()
	id, err := s.Begin(context.Background(), job, o.Report.Started)
	if err != nil {
		t.Fatal(err)
	}
	finish(t, s, id, o)
	return id
}

// TestTwoJobsOfOneDatabase: crm backs up shop too, with another scope; the
// report of each job compares with that job's last run alone, and each
// job's history lists its own runs.
func TestTwoJobsOfOneDatabase(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	mine := okOutcome(t0)
	theirs := okOutcome(t0.Add(time.Hour))
	theirs.Report.Tables = theirs.Report.Tables[:1]
	d := recordJob(t, s, "", mine)
	c := recordJob(t, s, "crm", theirs)

	for job, want := range map[string]*dbbackup.Outcome{"": mine, "default": mine, "crm": theirs} {
		tables, size, ok, err := s.LastSuccessful(ctx, job, "shop")
		if err != nil || !ok || !reflect.DeepEqual(tables, want.Report.Tables) || size != want.Report.Size() {
			t.Errorf("LastSuccessful(%q) = %v, %d, %v, %v; want %v", job, tables, size, ok, err, want.Report.Tables)
		}
	}
	for job, want := range map[string][]int64{"": {c, d}, "default": {d}, "crm": {c}, "hr": nil} {
		runs, err := s.Runs(ctx, job, 0)
		var got []int64
		for _, r := range runs {
			got = append(got, r.ID)
			if r.ID == c && r.Job != "crm" || r.ID == d && r.Job != "default" {
				t.Errorf("run %d reads as job %q", r.ID, r.Job)
			}
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Runs(%q) = %v, %v; want %v", job, got, err, want)
		}
	}
}

// TestMarkInterruptedTouchesItsJobAlone: crm's run is running while the
// job default starts (each job has its own lock): default's start marks
// its own dead runs interrupted, never crm's live one.
func TestMarkInterruptedTouchesItsJobAlone(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	dead := begin(t, s, t0)
	live, err := s.Begin(ctx, "crm", t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.MarkInterrupted(ctx, ""); n != 1 || err != nil {
		t.Fatalf("MarkInterrupted: %d, %v", n, err)
	}
	for id, want := range map[int64]Status{dead: StatusInterrupted, live: StatusRunning} {
		if d, err := s.Run(ctx, id); err != nil || d.Status != want {
			t.Errorf("run %d: %v, %v; want %s", id, d, err, want)
		}
	}
}

// TestRunsMadeBeforeJobsAreDefaults: a history written before there were
// jobs opens with its runs under the job default, still compared with.
func TestRunsMadeBeforeJobsAreDefaults(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old, err := sql.Open("sqlite", dsn(filepath.Join(dir, FileName)))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, old, migrations[:2]); err != nil {
		t.Fatal(err)
	}
	_, err = old.Exec(`INSERT INTO runs (id, started, finished, status, database_name) VALUES (1, ?, ?, 'ok', 'shop');
		INSERT INTO run_tables (run_id, pos, schema_name, table_name, row_count) VALUES (1, 0, 'public', 'orders', 7)`,
		formatTime(t0), formatTime(t0))
	old.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir)
	if runs, err := s.Runs(ctx, "default", 0); err != nil || len(runs) != 1 || runs[0].Job != "default" {
		t.Fatalf("the old run: %+v, %v", runs, err)
	}
	if tables, _, ok, err := s.LastSuccessful(ctx, "", "shop"); !ok || err != nil || len(tables) != 1 || tables[0].Rows != 7 {
		t.Fatalf("LastSuccessful: %v, %v, %v", tables, ok, err)
	}
}
