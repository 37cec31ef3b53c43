package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/robfig/cron/v3"
)

// reloadSyncs schedules each Google Sheets sync job that has a schedule
// (SHEETS_SCHEDULE), read as cron reads it: in this machine's time zone
// unless a CRON_TZ= prefix names one. A sync job whose settings cannot
// be read keeps the schedule it had, as a job does. Missed syncs are not
// made up at start: the next one brings the tab up to date. Call it
// holding s.mu.
func (s *Scheduler) reloadSyncs(ctx context.Context) error {
	jobs, err := s.app.SyncJobs(ctx)
	if err != nil {
		return err
	}
	var errs []error
	seen := map[string]bool{}
	for _, j := range jobs {
		seen[j.Name] = true
		if j.Err != nil {
			errs = append(errs, fmt.Errorf("sync job %s is not scheduled anew: %w", j.Name, j.Err))
			continue
		}
		old := s.syncs[j.Name]
		if old != nil && old.schedule == j.Job.Schedule {
			continue
		}
		if old != nil {
			s.cron.Remove(old.id)
			delete(s.syncs, j.Name)
		}
		if j.Job.Schedule == "" {
			continue
		}
		sched, err := s.parse(j.Job.Schedule, time.Local)
		if err != nil {
			errs = append(errs, fmt.Errorf("sync job %s is not scheduled: %w", j.Name, err))
			continue
		}
		name := j.Name
		e := &entry{schedule: j.Job.Schedule, sched: sched}
		e.id = s.cron.Schedule(sched, cron.FuncJob(func() { s.fireSync(name) }))
		s.syncs[name] = e
		s.log.Info("sync job scheduled", "sync", name, "schedule", e.schedule, "next", sched.Next(s.now()))
	}
	for name, e := range s.syncs {
		if !seen[name] {
			s.cron.Remove(e.id)
			delete(s.syncs, name)
			s.log.Info("sync job no longer scheduled: it was removed", "sync", name)
		}
	}
	return errors.Join(errs...)
}

// fireSync starts the scheduled sync of name. One still going on in this
// process makes this one skipped, recorded as a sync from cron held off
// by the lock is.
func (s *Scheduler) fireSync(name string) {
	s.mu.Lock()
	ctx, scheduled := s.ctx, s.syncs[name] != nil
	s.mu.Unlock()
	if !scheduled {
		return // removed since the cron picked it
	}
	err := s.runs.StartSync(ctx, name, ByScheduler)
	switch {
	case err == nil:
		s.log.Info("sync started", "sync", name, "by", ByScheduler)
	case errors.Is(err, app.ErrRunning):
		s.runs.RecordSyncSkipped(ctx, name)
	case errors.Is(err, app.ErrShuttingDown):
	default:
		s.log.Error("scheduled sync did not start", "sync", name, "err", err)
	}
}

// NextSync returns when the sync job name runs next; ok is false for one
// without a schedule.
func (s *Scheduler) NextSync(name string) (next time.Time, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.syncs[name]
	if e == nil {
		return time.Time{}, false
	}
	return e.sched.Next(s.now()), true
}
