package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The metrics of each job, read from the run history at every scrape, so
// that they hold runs made by `dbbackup run` from cron as well as the
// server's own, and survive a restart.
var (
	lastSuccessDesc = prometheus.NewDesc("dbbackup_last_success_timestamp_seconds",
		"When the newest run that ended ok finished (Unix time); absent when none did.", []string{"job"}, nil)
	lastStatusDesc = prometheus.NewDesc("dbbackup_last_run_status",
		"1 for the status of the newest finished run (ok, warning: ok with warnings, failed, interrupted, skipped), 0 for the others.",
		[]string{"job", "status"}, nil)
	lastDurationDesc = prometheus.NewDesc("dbbackup_last_run_duration_seconds",
		"How long the newest finished run took; absent when it was interrupted.", []string{"job"}, nil)
	lastBytesDesc = prometheus.NewDesc("dbbackup_last_run_bytes",
		"The bytes the newest finished run stored, its manifest included.", []string{"job"}, nil)
	lastRowsDesc = prometheus.NewDesc("dbbackup_last_run_rows",
		"The rows the newest finished run exported, all tables together (but those only a dump holds, which are not counted).", []string{"job"}, nil)
	runsDesc = prometheus.NewDesc("dbbackup_runs_total",
		"Runs recorded in the history, by result (ok, failed, interrupted, skipped).", []string{"job", "result"}, nil)
	runningDesc = prometheus.NewDesc("dbbackup_running",
		"1 while a run of the job is going on (the server's or cron's), else 0.", []string{"job"}, nil)
	nextRunDesc = prometheus.NewDesc("dbbackup_next_run_timestamp_seconds",
		"When the server's scheduler starts the job next (Unix time); absent when it does not schedule it.", []string{"job"}, nil)
)

// lastStatuses are the values of dbbackup_last_run_status's status label;
// results those of dbbackup_runs_total's result label.
var (
	lastStatuses = []state.Status{state.StatusOK, state.StatusWarning, state.StatusFailed, state.StatusInterrupted, state.StatusSkipped}
	results      = []state.Status{state.StatusOK, state.StatusFailed, state.StatusInterrupted, state.StatusSkipped}
)

// scrapeTimeout bounds the reads of one scrape.
const scrapeTimeout = 10 * time.Second

// nexter tells when a job runs next (*schedule.Scheduler).
type nexter interface {
	Next(job string) (time.Time, bool)
}

// jobCollector collects the metrics of every job from the history.
type jobCollector struct{ s *Server }

func (c jobCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{lastSuccessDesc, lastStatusDesc, lastDurationDesc, lastBytesDesc, lastRowsDesc, runsDesc, runningDesc, nextRunDesc} {
		ch <- d
	}
}

func (c jobCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	jobs, err := c.s.o.App.JobNames(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(runsDesc, err)
		return
	}
	for _, job := range jobs {
		if err := c.collectJob(ctx, ch, job); err != nil {
			ch <- prometheus.NewInvalidMetric(runsDesc, err)
		}
	}
}

func (c jobCollector) collectJob(ctx context.Context, ch chan<- prometheus.Metric, job string) error {
	store := c.s.o.Store
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{job}, labels...)...)
	}
	for _, r := range results {
		_, n, err := store.QueryRuns(ctx, state.RunQuery{Job: job, Status: string(r), Limit: 1})
		if err != nil {
			return err
		}
		ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.CounterValue, float64(n), job, string(r))
	}
	good, _, err := store.QueryRuns(ctx, state.RunQuery{Job: job, Status: string(state.StatusOK), Limit: 1})
	if err != nil {
		return err
	}
	if len(good) == 1 {
		gauge(lastSuccessDesc, unix(good[0].Finished))
	}
	// One run of a job goes on at a time (its lock), so the newest
	// finished run is one of the newest two.
	newest, _, err := store.QueryRuns(ctx, state.RunQuery{Job: job, Limit: 2})
	if err != nil {
		return err
	}
	running := 0.0
	if len(newest) > 0 && newest[0].Status == state.StatusRunning {
		running, newest = 1, newest[1:]
	}
	gauge(runningDesc, running)
	if len(newest) > 0 && newest[0].Status != state.StatusRunning {
		if err := c.collectLast(ctx, gauge, newest[0]); err != nil {
			return err
		}
	}
	if c.s.schedule != nil {
		if next, ok := c.s.schedule.Next(job); ok {
			gauge(nextRunDesc, unix(next))
		}
	}
	return nil
}

func (c jobCollector) collectLast(ctx context.Context, gauge func(*prometheus.Desc, float64, ...string), last state.Run) error {
	status := last.Status
	if status == state.StatusOK && last.WarningCount > 0 {
		status = state.StatusWarning
	}
	for _, st := range lastStatuses {
		v := 0.0
		if st == status {
			v = 1
		}
		gauge(lastStatusDesc, v, string(st))
	}
	if !last.Finished.IsZero() {
		gauge(lastDurationDesc, last.Finished.Sub(last.Started).Seconds())
	}
	gauge(lastBytesDesc, float64(last.Size))
	d, err := c.s.o.Store.Run(ctx, last.ID)
	if err != nil {
		return err
	}
	var rows int64
	for _, t := range d.Tables {
		rows += max(t.Rows, 0) // -1: a table only the dump holds, uncounted
	}
	gauge(lastRowsDesc, float64(rows))
	return nil
}

func unix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// metricsHandler serves /metrics in Prometheus's format: the jobs' metrics
// and the process's own.
func (s *Server) metricsHandler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(jobCollector{s}, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{s}})
	return s.scraper(h)
}

// scraper lets h serve a scraper that sends `Authorization: Bearer
// METRICS_TOKEN`, or a signed-in user; anyone else gets 401, never a
// redirect to a login page that a scraper cannot follow.
func (s *Server) scraper(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && s.o.MetricsToken != "" &&
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(s.o.MetricsToken)) == 1 {
			h.ServeHTTP(w, r)
			return
		}
		u, err := s.sessionUser(r)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		if u == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="dbbackup metrics"`)
			http.Error(w, "send Authorization: Bearer METRICS_TOKEN, or sign in", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// slogPrinter logs promhttp's errors.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) { p.s.log.Error("metrics: " + fmt.Sprint(v...)) }
