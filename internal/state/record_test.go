package state

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

func TestFinishOKRoundTrips(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	o := okOutcome(t0)
	id := record(t, s, o)
	sent := dbbackup.ReportStep(dbbackup.StepOK, "sent")
	if err := s.SetReport(ctx, id, "[dbbackup] OK shop — 2 files", "plain ✓", "<p>html ✓</p>", sent); err != nil {
		t.Fatal(err)
	}
	d, err := s.Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rep := o.Report
	wantSnap := rep.Snapshot
	wantSnap.SnapshotID = "" // not kept
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
	check("run", d.Run, Run{ID: id, Kind: KindBackup, Job: dbbackup.DefaultJob, SetID: rep.SetID, Database: "shop", Started: rep.Started.Local(), Finished: rep.Finished.Local(),
		Status: StatusOK, FileCount: 2, Size: rep.Size(), WarningCount: len(rep.Warnings), HasReport: true, ReportSent: true})
	check("hint", d.Hint, "")
	check("steps", d.Steps, append(o.Steps(), sent)) // the report's after the run's, once it is known
	check("destination", d.Destination, o.Destination)
	check("snapshot", utcSnap(d.Snapshot), utcSnap(wantSnap))
	check("tables", d.Tables, rep.Tables)
	check("files", d.Files, rep.Files)
	check("warnings", d.Warnings, rep.Warnings)
	check("quota", d.Quota, rep.Quota)
	check("report", d.Report, &Report{Subject: "[dbbackup] OK shop — 2 files", Text: "plain ✓", HTML: "<p>html ✓</p>", Sent: true})

	if d.Retention == nil || d.Retention.DryRun {
		t.Fatalf("retention = %+v, want a real run", d.Retention)
	}
	var want []RetentionSet
	for _, dec := range o.Retention.Decisions {
		want = append(want, RetentionSet{SetID: dec.Set.ID, Time: dec.Set.Time, Size: dec.Set.Size(),
			Complete: dec.Set.Complete, Remove: dec.Remove, Reason: dec.Reason})
	}
	want[1].Error = "googleapi: Error 500: backendError"
	want[2].Removed = true
	for i := range d.Retention.Sets {
		d.Retention.Sets[i].Time = d.Retention.Sets[i].Time.UTC()
	}
	check("retention", d.Retention.Sets, want)
}

// utcSnap makes times comparable with DeepEqual.
func utcSnap(s dbbackup.SnapshotInfo) dbbackup.SnapshotInfo {
	s.SnapshotTime = s.SnapshotTime.UTC()
	return s
}

func TestFinishFailed(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	o := failedOutcome(t0)
	o.Database = "shop" // from the settings: the run never reached the server
	id := record(t, s, o)
	d, err := s.Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Database != "shop" {
		t.Errorf("database %q: a failed run is listed under the database its settings name", d.Database)
	}
	if d.Status != StatusFailed || d.Stage != dbbackup.StageConnect || d.Error != o.Err.Error() || d.Hint != "start PostgreSQL or fix DATABASE_URL, then run dbbackup check" {
		t.Errorf("got status %q stage %q error %q hint %q", d.Status, d.Stage, d.Error, d.Hint)
	}
	if !strings.HasPrefix(d.Error, "connect: ") {
		t.Errorf("error %q: want the StageError's text as given", d.Error)
	}
	if d.SetID != "" || d.FileCount != 0 || d.Files != nil || d.Tables != nil || d.Retention != nil || d.Quota != nil || d.Report != nil {
		t.Errorf("a run that stopped early recorded more than it did: %+v", d)
	}
	if !reflect.DeepEqual(d.Warnings, o.Report.Warnings) {
		t.Errorf("warnings = %q", d.Warnings)
	}

	// The report could not be sent: it stays readable, with the reason.
	if err := s.SetReport(ctx, id, "[dbbackup] FAILED shop", "text", "<p>html</p>",
		dbbackup.ReportStep(dbbackup.StepFailed, "dial tcp 127.0.0.1:25: connection refused")); err != nil {
		t.Fatal(err)
	}
	if d, err = s.Run(ctx, id); err != nil {
		t.Fatal(err)
	}
	want := &Report{Subject: "[dbbackup] FAILED shop", Text: "text", HTML: "<p>html</p>", Error: "dial tcp 127.0.0.1:25: connection refused"}
	if !reflect.DeepEqual(d.Report, want) || !d.HasReport || d.ReportSent {
		t.Errorf("report = %+v (has %v, sent %v)", d.Report, d.HasReport, d.ReportSent)
	}
	// A retry that got through replaces it, and its step.
	if err := s.SetReport(ctx, id, "[dbbackup] FAILED shop", "text", "<p>html</p>", dbbackup.ReportStep(dbbackup.StepOK, "sent")); err != nil {
		t.Fatal(err)
	}
	if d, _ = s.Run(ctx, id); !d.Report.Sent || d.Report.Error != "" {
		t.Errorf("report after resend = %+v", d.Report)
	}
	if last := d.Steps[len(d.Steps)-1]; len(d.Steps) != len(o.Steps())+1 || last.Name != "report" || last.Status != dbbackup.StepOK {
		t.Errorf("steps after resend = %+v, want the run's and one report step, sent", d.Steps)
	}
}

func TestFinishWithoutFinishTime(t *testing.T) {
	s := openStore(t, t.TempDir())
	o := failedOutcome(t0)
	o.Report.Finished = time.Time{} // a run that failed before the runner started
	id := record(t, s, o)
	d, err := s.Run(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Finished.IsZero() {
		t.Error("finished is zero: a failed run must have an end")
	}
}

func TestFinishRefusesWhatIsNotRunning(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	id := record(t, s, okOutcome(t0))
	err := s.Finish(ctx, id, failedOutcome(t0))
	if err == nil || !strings.Contains(err.Error(), "already ok") {
		t.Errorf("second Finish: %v, want it refused", err)
	}
	if d, _ := s.Run(ctx, id); d.Status != StatusOK || len(d.Files) != 2 {
		t.Errorf("the refused Finish changed the run: %+v", d.Run)
	}
	for name, err := range map[string]error{
		"Finish":    s.Finish(ctx, 999, okOutcome(t0)),
		"SetReport": s.SetReport(ctx, 999, "s", "t", "h", dbbackup.ReportStep(dbbackup.StepOK, "sent")),
		"Run":       func() error { _, err := s.Run(ctx, 999); return err }(),
	} {
		if !errors.Is(err, dbbackup.ErrNotFound) {
			t.Errorf("%s of an unknown run: %v, want ErrNotFound", name, err)
		}
	}
}

func TestLastSuccessfulSkipsFailedAndInterrupted(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	if _, _, ok, err := s.LastSuccessful(ctx, "", "shop"); ok || err != nil {
		t.Fatalf("empty history: ok %v, err %v", ok, err)
	}
	good := okOutcome(t0)
	record(t, s, good)
	record(t, s, failedOutcome(t0.Add(24*time.Hour)))
	begin(t, s, t0.Add(48*time.Hour))
	if _, err := s.MarkInterrupted(ctx, ""); err != nil {
		t.Fatal(err)
	}
	begin(t, s, t0.Add(72*time.Hour)) // still running: the current run
	tables, size, ok, err := s.LastSuccessful(ctx, "", "shop")
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if !reflect.DeepEqual(tables, good.Report.Tables) || size != good.Report.Size() {
		t.Errorf("got %v, %d; want %v, %d", tables, size, good.Report.Tables, good.Report.Size())
	}

	newer := okOutcome(t0.Add(96 * time.Hour))
	newer.Report.Tables = newer.Report.Tables[:1]
	record(t, s, newer)
	if tables, _, _, _ := s.LastSuccessful(ctx, "", "shop"); !reflect.DeepEqual(tables, newer.Report.Tables) {
		t.Errorf("after a newer OK run: %v", tables)
	}
}

func TestRunsNewestFirstWithLimit(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	// Inserted out of order; two share a start time and then the later
	// one (higher id) comes first.
	a := begin(t, s, t0.Add(2*time.Hour))
	b := begin(t, s, t0)
	c := begin(t, s, t0.Add(time.Hour))
	d := begin(t, s, t0.Add(time.Hour))
	ids := func(runs []Run) (out []int64) {
		for _, r := range runs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tc := range []struct {
		limit int
		want  []int64
	}{
		{0, []int64{a, d, c, b}},
		{-1, []int64{a, d, c, b}},
		{2, []int64{a, d}},
		{10, []int64{a, d, c, b}},
	} {
		runs, err := s.Runs(ctx, "", tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(runs); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Runs(%d) = %v, want %v", tc.limit, got, tc.want)
		}
	}
	runs, _ := s.Runs(ctx, "", 1)
	if r := runs[0]; r.Status != StatusRunning || !r.Finished.IsZero() || r.HasReport || !r.Started.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("a running run reads as %+v", r)
	}
}

func TestSkippedAndStoppedRuns(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openStore(t, dir)
	other := openStore(t, dir) // another process reading the history
	skipped := &dbbackup.Outcome{Report: &dbbackup.Report{Started: t0, Finished: t0}, Stage: dbbackup.StageLock,
		Err: &dbbackup.StageError{Stage: dbbackup.StageLock, Err: errors.New("another backup is running (pid 7 since 2026-02-10 01:00:00)")}}
	stopped := failedOutcome(t0.Add(time.Minute))
	stopped.Stage, stopped.Err = dbbackup.StageExport, &dbbackup.StageError{Stage: dbbackup.StageExport, Err: context.Canceled}
	for o, want := range map[*dbbackup.Outcome]Status{skipped: StatusSkipped, stopped: StatusInterrupted, failedOutcome(t0): StatusFailed} {
		d, err := other.Run(ctx, record(t, s, o))
		if err != nil || d.Status != want || d.Stage != o.Stage || d.Error != o.Err.Error() {
			t.Errorf("want %s: %v %+v", want, err, d)
		}
	}
	if _, _, ok, err := s.LastSuccessful(ctx, "", ""); ok || err != nil {
		t.Errorf("a skipped run counts as successful: %v %v", ok, err)
	}
}
