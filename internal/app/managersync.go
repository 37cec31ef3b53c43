package app

import (
	"context"
	"errors"
	"time"

	"github.com/dbbackup/dbbackup"
)

// syncing is one Google Sheets sync the manager started.
type syncing struct {
	cancel  context.CancelCauseFunc
	done    chan struct{} // closed when the sync is over and recorded
	by      string
	started time.Time
	outcome *dbbackup.SyncOutcome // once done
	now     SyncProgress          // the latest progress heard
	tabs    int                   // tabs begun
	ended   time.Time
}

// StartSync begins a sync of the sync job name now, in the background,
// as Start does a backup run: by says who asked, ctx bounds the start
// alone, and the sync has its own context, ended by Shutdown or
// BACKUP_TIMEOUT. A sync job this process syncs already is ErrRunning;
// one that does not exist, a *NoSyncJobError. Its lock, history record
// and report are SyncNow's: one held by another process ends it skipped.
func (m *Manager) StartSync(ctx context.Context, name, by string) error {
	if _, err := m.app.LoadSyncJob(ctx, name); errors.As(err, new(*NoSyncJobError)) {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.stopping:
		return ErrShuttingDown
	case m.syncs[name] != nil:
		return ErrRunning
	}
	runCtx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	r := &syncing{cancel: cancel, done: make(chan struct{}), by: by, started: m.now()}
	m.syncs[name] = r
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer cancel(nil)
		log := m.log.With("sync", name, "by", by)
		o, err := m.app.SyncNow(runCtx, name, log, func(p SyncProgress) {
			m.mu.Lock()
			if p.Sheet != r.now.Sheet || r.tabs == 0 {
				r.tabs++
			}
			r.now = p
			m.mu.Unlock()
		})
		if err != nil {
			log.Error("sheets sync did not end well", "err", err)
		}
		m.mu.Lock()
		r.outcome, r.ended = o, m.now()
		delete(m.syncs, name)
		m.synced[name] = r
		close(r.done)
		m.mu.Unlock()
	}()
	return nil
}

// WaitSync blocks until the sync of name going on now is over and
// returns how it ended; nil when none was going on (or it never began).
// ctx bounds the wait, never the sync.
func (m *Manager) WaitSync(ctx context.Context, name string) (*dbbackup.SyncOutcome, error) {
	m.mu.Lock()
	r := m.syncs[name]
	m.mu.Unlock()
	if r == nil {
		return nil, nil
	}
	select {
	case <-r.done:
		return r.outcome, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// RecordSyncSkipped records and reports, as skipped, a sync of name that
// its schedule asked for while this process still syncs it: it tries the
// sync job's lock as a sync from cron would, which the sync going on
// holds, so the record is the one cron's would make. Should that sync
// have ended meanwhile, this one runs.
func (m *Manager) RecordSyncSkipped(ctx context.Context, name string) {
	if _, err := m.app.SyncNow(ctx, name, m.log.With("sync", name), nil); err != nil {
		m.log.Warn("scheduled sync skipped: the last one is still going", "sync", name, "err", err)
	}
}

// SyncLive is a sync this manager started, as its progress page shows
// it: going on, or the newest one over.
type SyncLive struct {
	Job, By string
	Started time.Time
	// Sheet is the tab being written, Stage what is done to it (read,
	// write, swap, verify, done); Tabs how many tabs were begun.
	Sheet, Stage string
	Tabs         int
	// Rows are the rows of this tab written so far, of Total;
	// RowsPerSec their pace; Requests and Retries the tab's so far.
	Rows, Total       int64
	RowsPerSec        float64
	Requests, Retries int
	// Done once the sync is over and recorded: Outcome is how it ended
	// (nil for one that never began), Finished when.
	Done     bool
	Finished time.Time
	Outcome  *dbbackup.SyncOutcome
}

// SyncLive reports the sync of name going on in this process, or else
// the newest one it started that is over; ok is false when it started
// none (a sync from cron shows in the history alone).
func (m *Manager) SyncLive(name string) (SyncLive, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.syncs[name]
	if r == nil {
		r = m.synced[name]
	}
	if r == nil {
		return SyncLive{}, false
	}
	l := SyncLive{Job: name, By: r.by, Started: r.started, Sheet: r.now.Sheet, Stage: r.now.Stage, Tabs: r.tabs,
		Rows: r.now.Rows, Total: r.now.Total, RowsPerSec: r.now.RowsPerSecond, Requests: r.now.Requests, Retries: r.now.Retries}
	select {
	case <-r.done:
		l.Done, l.Finished, l.Outcome = true, r.ended, r.outcome
	default:
	}
	return l, true
}
