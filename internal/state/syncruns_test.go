package state

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

const sheet = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

// syncOutcome is a sync of two tabs, the second failed, started at started.
func syncOutcome(started time.Time) *dbbackup.SyncOutcome {
	return &dbbackup.SyncOutcome{Job: "default", BackupJob: "default", Database: "shop", Spreadsheet: sheet,
		Started: started, Finished: started.Add(10 * time.Second),
		Tabs: []dbbackup.SyncTab{
			{Source: "public.invoice", Sheet: "invoice", URL: "https://docs.google.com/spreadsheets/d/" + sheet + "/edit#gid=7",
				Mode: "append", Key: "invoice_id", Rows: 412, SheetRows: 412, LastKey: "412", HasLastKey: true, Requests: 5, Retries: 1,
				Cut: []dbbackup.CutCells{{Column: "notes", Cells: 2}}},
			{Source: "public.customer", Sheet: "customer", Mode: "append", Key: "customer_id", Rows: 0,
				Err: dbbackup.WithHint(errors.New("write tab customer: permission is missing"), "share the spreadsheet")},
		},
		Err:      dbbackup.WithHint(errors.New("write tab customer: permission is missing"), "share the spreadsheet"),
		Warnings: []string{"2 texts of notes were cut"},
	}
}

func recordSync(t *testing.T, s *Store, o *dbbackup.SyncOutcome) int64 {
	t.Helper()
	id, err := s.BeginSync(context.Background(), o.Job, o.Started)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishSync(context.Background(), id, o); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSyncRunRoundTrips(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	o := syncOutcome(t0)
	id := recordSync(t, s, o)
	d, err := s.Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := Run{ID: id, Kind: KindSheets, Job: "default", Database: "shop", Started: t0.Local(), Finished: t0.Add(10 * time.Second).Local(),
		Status: StatusFailed, Error: o.Err.Error(), WarningCount: 1, Rows: 412, Tabs: "invoice, customer"}
	if !reflect.DeepEqual(d.Run, want) {
		t.Errorf("run:\n got %+v\nwant %+v", d.Run, want)
	}
	last := "412"
	wantSheets := []SheetRun{
		{Spreadsheet: sheet, Sheet: "invoice", URL: o.Tabs[0].URL, Source: "public.invoice", Mode: "append", Key: "invoice_id",
			Rows: 412, SheetRows: 412, LastKey: &last, Requests: 5, Retries: 1, Cut: []dbbackup.CutCells{{Column: "notes", Cells: 2}}},
		{Spreadsheet: sheet, Sheet: "customer", Source: "public.customer", Mode: "append", Key: "customer_id", Cut: []dbbackup.CutCells{},
			Error: "write tab customer: permission is missing"},
	}
	if !reflect.DeepEqual(d.Sheets, wantSheets) {
		t.Errorf("sheets:\n got %+v\nwant %+v", d.Sheets, wantSheets)
	}
	if d.Hint != "share the spreadsheet" || d.Destination != "Google Sheets spreadsheet "+sheet || !reflect.DeepEqual(d.Steps, o.Steps()) {
		t.Errorf("hint %q, destination %q, steps %+v", d.Hint, d.Destination, d.Steps)
	}
	if err := s.FinishSync(ctx, id, o); err == nil {
		t.Error("a sync was recorded twice")
	}
}

// A sync job may be called as a backup job is: nothing of one is the
// other's, whatever reads the history by job.
func TestSyncJobNamedAsABackupJobStaysApart(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	backup := record(t, s, okOutcome(t0))
	ok := syncOutcome(t0.Add(time.Hour))
	ok.Err, ok.Tabs = nil, ok.Tabs[:1]
	recordSync(t, s, ok)
	live, err := s.BeginSync(ctx, "default", t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}

	if n, err := s.MarkInterrupted(ctx, "default"); n != 0 || err != nil {
		t.Errorf("MarkInterrupted of the backup job touched %d runs (%v)", n, err)
	}
	if runs, err := s.Runs(ctx, "default", 0); err != nil || len(runs) != 1 || runs[0].ID != backup {
		t.Errorf("Runs of the backup job: %+v, %v", runs, err)
	}
	if runs, _, err := s.QueryRuns(ctx, RunQuery{Job: "default"}); err != nil || len(runs) != 1 || runs[0].ID != backup {
		t.Errorf("QueryRuns of the backup job: %+v, %v", runs, err)
	}
	if runs, n, err := s.QueryRuns(ctx, RunQuery{Job: "default", Kind: KindSheets}); err != nil || n != 2 || runs[0].ID != live {
		t.Errorf("QueryRuns of the sync job: %d %+v, %v", n, runs, err)
	}
	if _, n, err := s.QueryRuns(ctx, RunQuery{}); err != nil || n != 3 {
		t.Errorf("every run: %d, %v", n, err)
	}
	if days, err := s.Days(ctx, "default", t0, t0, time.UTC); err != nil || days[0].Runs != 1 {
		t.Errorf("Days of the backup job: %+v, %v", days, err)
	}
	if n, err := s.MarkSyncInterrupted(ctx, "default"); n != 1 || err != nil {
		t.Errorf("MarkSyncInterrupted: %d, %v", n, err)
	}
	// The sync ran later and reads "shop" too; the backup's counts stay.
	if tables, _, ok, err := s.LastSuccessful(ctx, "default", "shop"); !ok || err != nil || len(tables) != 3 {
		t.Errorf("LastSuccessful: %+v %v %v", tables, ok, err)
	}
}

func TestLastSyncKeyIsTheNewestOfTheSameTab(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	first := syncOutcome(t0) // invoice ends at 412; customer failed
	recordSync(t, s, first)
	later := syncOutcome(t0.Add(time.Hour))
	later.Err = nil
	later.Tabs = later.Tabs[:1]
	later.Tabs[0].LastKey = "500"
	later.Tabs[0].Sheet = "Invoice" // Google matches titles without case
	recordSync(t, s, later)
	other := syncOutcome(t0.Add(2 * time.Hour)) // another tab's key, later
	other.Err, other.Tabs = nil, other.Tabs[:1]
	other.Tabs[0].Sheet, other.Tabs[0].LastKey = "invoices 2", "900"
	recordSync(t, s, other)

	target := SyncTarget{Spreadsheet: sheet, Sheet: "invoice", Source: "public.invoice", Key: "invoice_id"}
	tests := []struct {
		name   string
		job    string
		target func(SyncTarget) SyncTarget
		key    string
		ok     bool
	}{
		{"newest run of the tab", "default", func(t SyncTarget) SyncTarget { return t }, "500", true},
		{"a failed tab has none", "default", func(t SyncTarget) SyncTarget {
			t.Sheet, t.Source, t.Key = "customer", "public.customer", "customer_id"
			return t
		}, "", false},
		{"another key column", "default", func(t SyncTarget) SyncTarget { t.Key = "created"; return t }, "", false},
		{"another source", "default", func(t SyncTarget) SyncTarget { t.Source = "SELECT 1"; return t }, "", false},
		{"another job", "shop", func(t SyncTarget) SyncTarget { return t }, "", false},
	}
	for _, tt := range tests {
		key, ok, err := s.LastSyncKey(ctx, tt.job, tt.target(target))
		if err != nil || key != tt.key || ok != tt.ok {
			t.Errorf("%s: %q %v %v, want %q %v", tt.name, key, ok, err, tt.key, tt.ok)
		}
	}
}

func TestSyncJobsAreKeptApartFromJobs(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	if err := s.PutJob(ctx, Job{Name: "orders", Settings: map[string]string{"DATABASE_URL": "postgres:///shop"}}); err != nil {
		t.Fatal(err)
	}
	sync := map[string]string{"SHEETS_TABLE": "public.orders", "SHEETS_SPREADSHEET_ID": sheet}
	if err := s.PutSyncJob(ctx, Job{Name: "orders", Settings: sync}); err != nil {
		t.Fatal(err)
	}
	if j, ok, err := s.SyncJob(ctx, "orders"); !ok || err != nil || !reflect.DeepEqual(j.Settings, sync) {
		t.Errorf("SyncJob: %+v %v %v", j, ok, err)
	}
	if ok, err := s.RemoveSyncJob(ctx, "orders"); !ok || err != nil {
		t.Errorf("RemoveSyncJob: %v %v", ok, err)
	}
	if jobs, err := s.SyncJobs(ctx); len(jobs) != 0 || err != nil {
		t.Errorf("sync jobs after the remove: %+v %v", jobs, err)
	}
	if j, ok, err := s.Job(ctx, "orders"); !ok || err != nil || j.Settings["DATABASE_URL"] != "postgres:///shop" {
		t.Errorf("the backup job of the same name: %+v %v %v", j, ok, err)
	}
}
