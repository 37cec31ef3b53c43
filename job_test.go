package dbbackup_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

type memHistory struct {
	finished []*dbbackup.Outcome
	reports  []string
	sent     []bool
}

func (h *memHistory) Begin(context.Context, string, time.Time) (int64, error) {
	return int64(len(h.finished) + 1), nil
}
func (h *memHistory) Finish(_ context.Context, _ int64, o *dbbackup.Outcome) error {
	h.finished = append(h.finished, o)
	return nil
}
func (h *memHistory) SetReport(_ context.Context, _ int64, subject, _, _ string, d dbbackup.Step) error {
	h.reports = append(h.reports, subject)
	h.sent = append(h.sent, d.Status == dbbackup.StepOK)
	return nil
}
func (h *memHistory) LastSuccessful(_ context.Context, _, database string) ([]dbbackup.TableCount, int64, bool, error) {
	for i := len(h.finished) - 1; i >= 0; i-- {
		if o := h.finished[i]; o.OK() && o.Report.Snapshot.Database == database {
			return o.Report.Tables, o.Report.Size(), true, nil
		}
	}
	return nil, 0, false, nil
}

type memReporter struct {
	sent []*dbbackup.Outcome
	down bool
}

func (m *memReporter) Render(o *dbbackup.Outcome) (string, string, string, error) {
	status := "OK"
	if !o.OK() {
		status = "FAILED at " + string(o.Stage)
	}
	return status, "", "", nil
}
func (m *memReporter) Wants(*dbbackup.Outcome) bool { return true }

func (m *memReporter) Notify(_ context.Context, o *dbbackup.Outcome) error {
	if m.down {
		return errors.New("dial tcp 127.0.0.1:25: connection refused")
	}
	m.sent = append(m.sent, o)
	return nil
}

// seedSets puts n complete old sets, one a day, in dest.
func seedSets(t *testing.T, dest *localdir.Dir, n int, newest time.Time) {
	t.Helper()
	for i := 0; i < n; i++ {
		putSet(t, dest, dbbackup.SetIDAt("backup", newest.AddDate(0, 0, -i), 1), "shop")
	}
}

func countSets(t *testing.T, dest dbbackup.Destination) int {
	t.Helper()
	return len(dbbackup.Sets(list(t, dest), time.UTC))
}

func TestJobRetentionOnlyAfterAStoredSet(t *testing.T) {
	r, dest := newRunner(t)
	now := time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC)
	seedSets(t, dest, 10, now.AddDate(0, 0, -35)) // all older than 30 days
	hist, rep := &memHistory{}, &memReporter{}
	job := &dbbackup.Job{Runner: r, Retention: dbbackup.Policy{Days: 30, MinKeep: 3}, Reporter: rep, History: hist,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}

	// A week of failed runs: nothing is deleted, every failure is reported.
	r.DB = fakeDB{openErr: errors.New("connection refused")}
	for day := 0; day < 7; day++ {
		r.Now = func() time.Time { return now.AddDate(0, 0, day-7) }
		o, err := job.Run(context.Background(), nil)
		if err == nil || o.Retention != nil {
			t.Fatalf("day %d: a failed run returned %v and ran retention %v", day, err, o.Retention)
		}
	}
	if n := countSets(t, dest); n != 10 {
		t.Fatalf("failed runs deleted sets: %d left of 10", n)
	}
	if len(rep.sent) != 7 || rep.sent[0].Stage != dbbackup.StageConnect || len(hist.finished) != 7 {
		t.Fatalf("reports %d, histories %d", len(rep.sent), len(hist.finished))
	}

	// Then a good run: its set is stored, and only then do old sets go.
	r.DB = fakeDB{}
	r.Now = func() time.Time { return now }
	o, err := job.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.Retention == nil || len(o.Retention.Removed) != 8 {
		t.Fatalf("retention: %+v", o.Retention)
	}
	if n := countSets(t, dest); n != 3 { // today's and the two newest old ones (min-keep 3)
		t.Fatalf("%d sets left, want 3", n)
	}
	if !o.OK() || hist.reports[len(hist.reports)-1] != "OK" {
		t.Fatalf("the good run was not reported OK: %v", hist.reports)
	}

	// The next run compares with this one.
	o, _ = job.Run(context.Background(), nil)
	if len(o.Previous) != 2 || o.Previous[0].Rows != 2 {
		t.Fatalf("previous counts %+v", o.Previous)
	}
}

func TestJobReportNotSentKeepsTheBackup(t *testing.T) {
	r, dest := newRunner(t)
	hist, rep := &memHistory{}, &memReporter{down: true}
	job := &dbbackup.Job{Runner: r, Reporter: rep, History: hist, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	o, err := job.Run(context.Background(), nil)
	if !errors.Is(err, dbbackup.ErrReportNotSent) || !o.OK() {
		t.Fatalf("got %v", err)
	}
	if n := countSets(t, dest); n != 1 {
		t.Fatalf("the backup is gone: %d sets", n)
	}
	if len(hist.sent) != 1 || hist.sent[0] || hist.reports[0] != "OK" {
		t.Fatalf("the history does not keep the unsent report: %v %v", hist.reports, hist.sent)
	}
}

// TestJobRunIDIsTheHistorys: the server links a run, while it goes and
// after, by the id the history gave it; a run not recorded has none.
func TestJobRunIDIsTheHistorys(t *testing.T) {
	r, _ := newRunner(t)
	hist := &memHistory{}
	for range 4 { // the next run is 5
		hist.finished = append(hist.finished, &dbbackup.Outcome{Report: &dbbackup.Report{}, Err: errors.New("earlier")})
	}
	job := &dbbackup.Job{Runner: r, History: hist, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	var heard []int64
	o, err := job.Run(context.Background(), func(p dbbackup.Progress) { heard = append(heard, p.RunID) })
	if err != nil || o.RunID != 5 {
		t.Fatalf("Run = %v, RunID %d; want 5", err, o.RunID)
	}
	if len(heard) == 0 {
		t.Fatal("the observer heard nothing")
	}
	for _, id := range heard {
		if id != 5 {
			t.Fatalf("progress carried run ids %v, want 5 on each", heard)
		}
	}
	if o, _ := job.ReportFailure(context.Background(), errors.New("lock: held")); o.RunID != 6 {
		t.Errorf("a run that could not start has RunID %d, want 6", o.RunID)
	}
	job.History = nil
	if o, _ := job.Run(context.Background(), nil); o.RunID != 0 {
		t.Errorf("an unrecorded run has RunID %d", o.RunID)
	}
}

// ctxHistory is a memHistory that, as SQLite does, refuses to write with
// a cancelled context.
type ctxHistory struct{ memHistory }

func (h *ctxHistory) Begin(ctx context.Context, job string, at time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return h.memHistory.Begin(ctx, job, at)
}

func (h *ctxHistory) Finish(ctx context.Context, id int64, o *dbbackup.Outcome) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return h.memHistory.Finish(ctx, id, o)
}

// TestACancelledRunIsStillRecorded: a run cancelled before it could begin
// (the server's Cancel, a signal) is recorded and reported all the same.
func TestACancelledRunIsStillRecorded(t *testing.T) {
	hist, rep := &ctxHistory{}, &memReporter{}
	job := &dbbackup.Job{History: hist, Reporter: rep, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o, _ := job.ReportFailure(ctx, dbbackup.AtStage(dbbackup.StageConfig, context.Canceled))
	if len(hist.finished) != 1 || o.RunID == 0 || len(rep.sent) != 1 {
		t.Errorf("recorded %d, run id %d, reported %d; want the cancelled run recorded and reported", len(hist.finished), o.RunID, len(rep.sent))
	}
}

// TestARunCancelledByAPersonSaysWho: the error of a run someone cancelled
// names them, not the "context canceled" of the read going on; the run is
// interrupted all the same, and the history records it so.
func TestARunCancelledByAPersonSaysWho(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	r, _ := newRunner(t, &cancellingExporter{lineExporter{format: "csv"}, cancel})
	hist := &memHistory{}
	job := &dbbackup.Job{Runner: r, History: hist, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	o, err := job.Run(ctx, nil)
	if err == nil || err.Error() != "export: cancelled by alice" || !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want export: cancelled by alice, a context.Canceled", err)
	}
	if o.Err == nil || o.Err.Error() != err.Error() || len(hist.finished) != 1 {
		t.Errorf("recorded %d runs, the outcome's error %v", len(hist.finished), o.Err)
	}
	if hint := dbbackup.Explain(err).Hint; !strings.Contains(hint, "nothing of this run was kept") {
		t.Errorf("hint %q", hint)
	}
}

// cancellingExporter is a person pressing Cancel while the export reads.
type cancellingExporter struct {
	lineExporter
	cancel context.CancelCauseFunc
}

func (e *cancellingExporter) Export(ctx context.Context, _ dbbackup.Source, _ []dbbackup.Table, _ string) (dbbackup.ExportResult, error) {
	e.cancel(&dbbackup.Cancelled{By: "alice"})
	return dbbackup.ExportResult{}, fmt.Errorf("read public.a: %w", ctx.Err())
}

// A set that fails its restore test fails the run: it is reported as
// failed at the restore test, and no older set is deleted; a test that was
// skipped for want of a key warns and fails nothing.
func TestJobRestoreTestFailureKeepsOlderSets(t *testing.T) {
	r, dest := newRunner(t)
	now := time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC)
	r.Now = func() time.Time { return now }
	seedSets(t, dest, 5, now.AddDate(0, 0, -40))
	hist, rep := &memHistory{}, &memReporter{}
	var tested []string
	job := &dbbackup.Job{Runner: r, Retention: dbbackup.Policy{Days: 30, MinKeep: 1}, Reporter: rep, History: hist,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		RestoreTest: func(_ context.Context, rep *dbbackup.Report, _ dbbackup.Observer) (*dbbackup.RestoreTest, error) {
			tested = append(tested, rep.SetID)
			return &dbbackup.RestoreTest{SetID: rep.SetID, Format: dbbackup.FormatCSV, Tables: 2,
				Problems: []string{"public.t: 1 row, the manifest says 2"}}, nil
		}}
	o, err := job.Run(context.Background(), nil)
	var se *dbbackup.StageError
	if !errors.As(err, &se) || se.Stage != dbbackup.StageRestoreTest || !strings.Contains(err.Error(), "public.t: 1 row") {
		t.Fatalf("run with a failed restore test: %v", err)
	}
	if len(tested) != 1 || tested[0] != o.Report.SetID || o.Retention != nil || o.RestoreTest == nil {
		t.Fatalf("tested %v, retention %+v, test %+v", tested, o.Retention, o.RestoreTest)
	}
	if n := countSets(t, dest); n != 6 {
		t.Fatalf("%d sets, want the 5 old ones and the new one", n)
	}
	if last := hist.reports[len(hist.reports)-1]; last != "FAILED at restore-test" {
		t.Fatalf("reported %q", last)
	}

	job.RestoreTest = func(context.Context, *dbbackup.Report, dbbackup.Observer) (*dbbackup.RestoreTest, error) {
		return &dbbackup.RestoreTest{Skipped: "the set is encrypted and BACKUP_VERIFY_IDENTITY is not set", Warn: true}, nil
	}
	r.Now = func() time.Time { return now.Add(time.Hour) }
	if o, err = job.Run(context.Background(), nil); err != nil || o.Retention == nil {
		t.Fatalf("a skipped restore test failed the run: %v, retention %+v", err, o.Retention)
	}
}
