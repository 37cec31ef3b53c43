package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/lock"
	"github.com/dbbackup/dbbackup/internal/state"
)

// ErrRunning is a start refused because this process runs the job
// already: the run going on is shown, never a second one started.
var ErrRunning = errors.New("this job is running already")

// ErrShuttingDown is a start refused because the server is stopping.
var ErrShuttingDown = errors.New("the server is shutting down: no run starts")

// Manager runs jobs in the background for `serve`: at most one run of a
// job at a time in this process, and each under the job's lock, so that
// a run from system cron and one from the server never overlap (the
// second is recorded as skipped). It keeps what each run is doing (Live)
// for the pages. Its methods are safe for concurrent use.
type Manager struct {
	app *App
	log *slog.Logger
	now func() time.Time

	mu       sync.Mutex
	runs     map[string]*managed // by job, running now
	last     map[string]Live     // by job, the newest finished run
	syncs    map[string]*syncing // by sync job, syncing now (managersync.go)
	synced   map[string]*syncing // by sync job, the newest finished sync
	stopping bool
	wg       sync.WaitGroup
	// heard, when set (by tests), is told each Live a run's progress made.
	heard func(Live)
}

// managed is one run the manager started.
type managed struct {
	cancel context.CancelCauseFunc // with a *dbbackup.Cancelled: the run's error names who
	done   chan struct{}           // closed when the run is over and recorded
	live   Live
}

// NewManager returns a manager that runs the jobs of a, logging to log
// (each run's lines carry its job).
func NewManager(a *App, log *slog.Logger) *Manager {
	return &Manager{app: a, log: log, now: a.now, runs: map[string]*managed{}, last: map[string]Live{}, syncs: map[string]*syncing{}, synced: map[string]*syncing{}}
}

// Start begins a run of job now, in the background, and returns once it
// is under way: by says who asked ("schedule", a user's name) for the
// pages. ctx bounds the start alone (it may be a request's): the run has
// its own context, ended by Cancel, Shutdown or BACKUP_TIMEOUT. A job
// this process runs already is ErrRunning; a job that does not exist, a
// *NoJobError. A job whose settings cannot be read starts a run that
// fails at once, recorded and reported as `dbbackup run` does it; a run
// held off by another process's lock ends skipped.
func (m *Manager) Start(ctx context.Context, job, by string) error {
	cfg, cfgErr := m.app.LoadJob(ctx, job, nil)
	if errors.As(cfgErr, new(*NoJobError)) {
		return cfgErr
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.stopping:
		return ErrShuttingDown
	case m.runs[job] != nil:
		return ErrRunning
	}
	runCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	r := &managed{cancel: cancel, done: make(chan struct{}),
		live: Live{Job: job, By: by, Started: m.now(), Status: state.StatusRunning, Formats: map[string]FormatProgress{}}}
	m.runs[job] = r
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer cancel(nil)
		log := m.log.With("job", job)
		var o *dbbackup.Outcome
		var err error
		if cfgErr != nil {
			err = dbbackup.AtStage(dbbackup.StageConfig, cfgErr)
			o = m.app.ReportEarlyFailure(runCtx, job, err, log)
		} else {
			o, err = m.app.Run(runCtx, cfg, log, func(p dbbackup.Progress) { m.observe(r, p) })
		}
		m.finish(job, r, o, err)
	}()
	return nil
}

// observe keeps what the run r reports.
func (m *Manager) observe(r *managed, p dbbackup.Progress) {
	m.mu.Lock()
	r.live.hear(p, m.now())
	l := r.live.clone()
	m.mu.Unlock()
	if m.heard != nil {
		m.heard(l)
	}
}

// finish records the end of run r of job: its Live is kept as the job's
// last until the next run starts.
func (m *Manager) finish(job string, r *managed, o *dbbackup.Outcome, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r.live.end(o, err, m.now())
	if r.live.Status == state.StatusInterrupted {
		m.log.Warn("run interrupted: nothing of it was kept", "job", job)
	}
	m.last[job] = r.live.clone()
	delete(m.runs, job)
	close(r.done)
}

// RecordSkipped records and reports, as skipped, a run of job that its
// schedule asked for while this process still runs the job: the same
// record a run from cron makes when it finds the lock held, so that runs
// that overlap or hang are noticed. With no run of job going on it does
// nothing.
func (m *Manager) RecordSkipped(ctx context.Context, job string) {
	m.mu.Lock()
	r := m.runs[job]
	var since time.Time
	if r != nil {
		since = r.live.Started
	}
	m.mu.Unlock()
	if r == nil {
		return
	}
	held := &lock.HeldError{PID: os.Getpid(), Since: since}
	m.app.ReportEarlyFailure(ctx, job, dbbackup.AtStage(dbbackup.StageLock, held), m.log.With("job", job))
}

// Active returns the runs going on now, by job name.
func (m *Manager) Active() []Live {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Live, 0, len(m.runs))
	for _, r := range m.runs {
		out = append(out, r.live.clone())
	}
	sortLive(out)
	return out
}

// Live returns the run of job going on now or, when none is, the newest
// that this process ran (Done); ok is false when it ran none.
func (m *Manager) Live(job string) (l Live, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.runs[job]; r != nil {
		return r.live.clone(), true
	}
	l, ok = m.last[job]
	return l.clone(), ok
}

// Wait blocks until the run of job going on now is over and returns how
// it ended; without one it returns at once, as Live does. ctx bounds the
// wait, never the run.
func (m *Manager) Wait(ctx context.Context, job string) (Live, bool, error) {
	m.mu.Lock()
	r := m.runs[job]
	m.mu.Unlock()
	if r != nil {
		select {
		case <-r.done:
		case <-ctx.Done():
			return Live{}, false, ctx.Err()
		}
	}
	l, ok := m.Live(job)
	return l, ok, nil
}

// Cancel stops the run of job going on now, for by (a user's name): it
// ends as an interrupted run does, nothing of it kept that looks like a
// backup, and its error says "cancelled by NAME". It reports whether
// there was one to stop.
func (m *Manager) Cancel(job, by string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.runs[job]
	if r == nil {
		return false
	}
	r.live.Cancelled, r.live.CancelledBy = true, by
	r.cancel(&dbbackup.Cancelled{By: by})
	return true
}

// shutdownCanceller is who cancels the runs Shutdown stops, for their
// error and page: "cancelled by the server shutting down".
const shutdownCanceller = "the server shutting down"

// Shutdown stops the manager for SIGTERM: no run starts after it; the
// runs going on are given wait to finish (0: none), then cancelled; it
// returns when every run is over and recorded, or when ctx ends first.
func (m *Manager) Shutdown(ctx context.Context, wait time.Duration) {
	m.mu.Lock()
	m.stopping = true
	n := len(m.runs) + len(m.syncs)
	m.mu.Unlock()
	if n == 0 {
		return
	}
	all := make(chan struct{})
	go func() { m.wg.Wait(); close(all) }()
	if wait > 0 {
		m.log.Info("waiting for the runs going on to finish", "runs", n, "wait", wait)
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-all:
			return
		case <-t.C:
		case <-ctx.Done():
		}
	}
	m.mu.Lock()
	for job, r := range m.runs {
		m.log.Warn("stopping the run going on", "job", job)
		r.live.Cancelled, r.live.CancelledBy = true, shutdownCanceller
		r.cancel(&dbbackup.Cancelled{By: shutdownCanceller})
	}
	for name, r := range m.syncs {
		m.log.Warn("stopping the sync going on", "sync", name)
		r.cancel(&dbbackup.Cancelled{By: shutdownCanceller})
	}
	m.mu.Unlock()
	select {
	case <-all:
	case <-ctx.Done():
		m.log.Error("runs still going at exit: the next run marks them interrupted", "err", fmt.Sprint(ctx.Err()))
	}
}
