package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// fixedSchedule runs every job at one time.
type fixedSchedule time.Time

func (f fixedSchedule) Next(job string) (time.Time, bool) { return time.Time(f), job == "default" }

// scrape reads /metrics with header and returns the status and the
// samples by name and labels as the text format writes them.
func (ts *testServer) scrape(t *testing.T, c *http.Client, header map[string]string) (int, map[string]float64) {
	t.Helper()
	res := ts.do(t, c, "GET", "/metrics", header)
	text := body(t, res)
	samples := map[string]float64{}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return res.StatusCode, samples
}

func TestMetricsAreForTheTokenOrASessionAndNeverARedirect(t *testing.T) {
	const token = "a-metrics-token-0123456789"
	ts := newTestServer(t, Options{MetricsToken: token})
	for _, h := range []map[string]string{nil, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": "Bearer "},
		{"Authorization": "Basic " + token}} {
		res := ts.do(t, ts.browser(t), "GET", "/metrics", h)
		body(t, res)
		if res.StatusCode != http.StatusUnauthorized || res.Header.Get("Location") != "" || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("GET /metrics with %v: %d, Location %q; want 401 asking for a bearer token", h, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if got, samples := ts.scrape(t, ts.browser(t), map[string]string{"Authorization": "Bearer " + token}); got != http.StatusOK || len(samples) == 0 {
		t.Errorf("GET /metrics with the token: %d, %d samples", got, len(samples))
	}
	if got, _ := ts.scrape(t, ts.signedIn(t, "bob"), nil); got != http.StatusOK {
		t.Errorf("GET /metrics signed in: %d, want 200", got)
	}

	// Without METRICS_TOKEN no token opens it, not even an empty one.
	ts = newTestServer(t, Options{})
	if res := ts.do(t, ts.browser(t), "GET", "/metrics", map[string]string{"Authorization": "Bearer "}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /metrics with an empty token and no METRICS_TOKEN: %d, want 401", res.StatusCode)
	}
}

func TestMetricsTellPerJobWhatTheHistoryHolds(t *testing.T) {
	ts := newTestServer(t, Options{})
	next := time.Date(2025, 6, 2, 2, 0, 0, 0, time.UTC)
	ts.s.schedule = fixedSchedule(next)
	ctx := context.Background()
	t0 := time.Date(2025, 6, 1, 2, 0, 0, 0, time.UTC)
	record := func(started time.Time, o *dbbackup.Outcome) {
		t.Helper()
		id, err := ts.store.Begin(ctx, "default", started)
		if err == nil && o != nil {
			err = ts.store.Finish(ctx, id, o)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	okRun := func(started time.Time, warnings ...string) *dbbackup.Outcome {
		id := dbbackup.SetIDAt("backup", started, 1)
		return &dbbackup.Outcome{Report: &dbbackup.Report{SetID: id, Started: started, Finished: started.Add(95 * time.Second),
			Tables: []dbbackup.TableCount{{Schema: "public", Name: "orders", Rows: 1200}, {Schema: "public", Name: "<script>alert(1)</script>", Rows: 34},
				{Schema: "public", Name: "parted", Rows: -1}},
			Files: []dbbackup.File{{Name: id + ".csv", SetID: id, Format: dbbackup.FormatCSV, Size: 1000},
				{Name: id + ".manifest.json", SetID: id, Format: dbbackup.FormatManifest, Size: 24}},
			Warnings: warnings}}
	}
	record(t0, okRun(t0))
	record(t0.Add(time.Hour), &dbbackup.Outcome{Err: errors.New("connection refused"), Stage: dbbackup.StageExport,
		Report: &dbbackup.Report{Started: t0.Add(time.Hour), Finished: t0.Add(time.Hour + time.Second)}})
	record(t0.Add(2*time.Hour), okRun(t0.Add(2*time.Hour), "a table has no primary key"))
	record(t0.Add(3*time.Hour), nil) // running

	_, got := ts.scrape(t, ts.signedIn(t, "alice"), nil)
	want := map[string]float64{
		`dbbackup_runs_total{job="default",result="ok"}`:           2,
		`dbbackup_runs_total{job="default",result="failed"}`:       1,
		`dbbackup_runs_total{job="default",result="interrupted"}`:  0,
		`dbbackup_runs_total{job="default",result="skipped"}`:      0,
		`dbbackup_last_success_timestamp_seconds{job="default"}`:   float64(t0.Add(2*time.Hour + 95*time.Second).Unix()),
		`dbbackup_last_run_status{job="default",status="warning"}`: 1,
		`dbbackup_last_run_status{job="default",status="ok"}`:      0,
		`dbbackup_last_run_status{job="default",status="failed"}`:  0,
		`dbbackup_last_run_duration_seconds{job="default"}`:        95,
		`dbbackup_last_run_bytes{job="default"}`:                   1024,
		`dbbackup_last_run_rows{job="default"}`:                    1234,
		`dbbackup_running{job="default"}`:                          1,
		`dbbackup_next_run_timestamp_seconds{job="default"}`:       float64(next.Unix()),
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
}
