package sheets

import (
	"sync"
	"time"
)

// run is one sync in progress.
type run struct {
	s   *Syncer
	job Job

	mu    sync.Mutex
	res   Result
	total int64 // rows to write
	start time.Time
}

func (s *Syncer) newRun(job Job) *run {
	now := time.Now()
	return &run{s: s, job: job, start: now, res: Result{Spreadsheet: job.SpreadsheetID, Sheet: job.Sheet, Mode: job.Mode,
		Source: job.source(), Started: now,
		URL: "https://docs.google.com/spreadsheets/d/" + job.SpreadsheetID + "/edit"}}
}

// progress tells the job's Progress where the sync is.
func (r *run) progress(stage string) {
	if r.job.Progress == nil {
		return
	}
	r.mu.Lock()
	p := Progress{Stage: stage, Rows: r.res.Rows, Total: r.total, Requests: r.res.Requests, Retries: r.res.Retries,
		Elapsed: time.Since(r.start)}
	r.mu.Unlock()
	if s := p.Elapsed.Seconds(); s > 0 {
		p.RowsPerSecond = float64(p.Rows) / s
	}
	r.job.Progress(p)
}

func (r *run) addRows(n int64) {
	r.mu.Lock()
	r.res.Rows += n
	r.mu.Unlock()
}

// result is the Result so far.
func (r *run) result() Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.res
	res.Elapsed = time.Since(r.start)
	return res
}
