package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/robfig/cron/v3"
)

// By names who started a run, for the pages.
const (
	ByScheduler = "schedule" // a run at its scheduled time
	ByCatchUp   = "catch-up" // a run missed while the server was down, made at its start
)

// starter is what the scheduler asks of the app.Manager.
type starter interface {
	Start(ctx context.Context, job, by string) error
	RecordSkipped(ctx context.Context, job string)
	StartSync(ctx context.Context, name, by string) error
	RecordSyncSkipped(ctx context.Context, name string)
}

// Scheduler starts each job's runs at the times its schedule names. Its
// methods are safe for concurrent use.
type Scheduler struct {
	app  *app.App
	runs starter
	log  *slog.Logger
	now  func() time.Time
	// parse reads a schedule; tests give one that fires every second.
	parse func(schedule string, loc *time.Location) (cron.Schedule, error)

	mu   sync.Mutex
	cron *cron.Cron
	ctx  context.Context // Start's: the runs' values
	jobs map[string]*entry
	// syncs are the Google Sheets sync jobs with a schedule (syncs.go).
	syncs map[string]*entry
}

// entry is one job's place in the cron.
type entry struct {
	id       cron.EntryID
	schedule string
	loc      *time.Location
	sched    cron.Schedule
	catchUp  bool
	stateDir string // where its runs are recorded
}

// New returns a scheduler of the jobs of a, started through m.
func New(a *app.App, m *app.Manager, log *slog.Logger) *Scheduler {
	return newScheduler(a, m, log)
}

func newScheduler(a *app.App, runs starter, log *slog.Logger) *Scheduler {
	now := a.Now
	if now == nil {
		now = time.Now
	}
	return &Scheduler{app: a, runs: runs, log: log, now: now, parse: Parse, jobs: map[string]*entry{}, syncs: map[string]*entry{},
		cron: cron.New(cron.WithLogger(cronLog{log}), cron.WithChain(cron.Recover(cronLog{log})))}
}

// Start schedules every job, makes up for the runs missed while the
// server was down (a job with BACKUP_CATCH_UP whose last good run is
// older than one period runs now), and starts the clock. The runs it
// starts carry ctx's values; they end with the Manager, not with ctx. A
// job whose settings cannot be read is not scheduled: the error names it,
// and the others are scheduled all the same.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	s.ctx = context.WithoutCancel(ctx)
	s.mu.Unlock()
	err := s.Reload(ctx)
	s.catchUp(ctx)
	s.cron.Start()
	return err
}

// Reload reads the jobs and the sync jobs again after they changed
// (added, edited, removed): a new schedule takes effect at once, a
// removed job runs no more. A job whose settings cannot be read keeps the schedule it had,
// so its runs go on failing loudly (recorded, reported) rather than
// stopping unseen; the error names it.
func (s *Scheduler) Reload(ctx context.Context) error {
	names, err := s.app.JobNames(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	seen := map[string]bool{}
	for _, name := range names {
		seen[name] = true
		e, err := s.read(ctx, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("job %s is not scheduled anew: %w", name, err))
			continue
		}
		old := s.jobs[name]
		if old != nil && old.schedule == e.schedule && old.loc.String() == e.loc.String() {
			old.catchUp, old.stateDir = e.catchUp, e.stateDir
			continue
		}
		if old != nil {
			s.cron.Remove(old.id)
		}
		e.id = s.cron.Schedule(e.sched, cron.FuncJob(func() { s.fire(name) }))
		s.jobs[name] = e
		s.log.Info("job scheduled", "job", name, "schedule", e.schedule, "zone", e.loc.String(), "next", e.sched.Next(s.now()))
	}
	for name, e := range s.jobs {
		if !seen[name] {
			s.cron.Remove(e.id)
			delete(s.jobs, name)
			s.log.Info("job no longer scheduled: it was removed", "job", name)
		}
	}
	return errors.Join(append(errs, s.reloadSyncs(ctx))...)
}

// read is the schedule of job name as its settings give it.
func (s *Scheduler) read(ctx context.Context, name string) (*entry, error) {
	cfg, err := s.app.LoadJob(ctx, name, nil)
	if err != nil {
		return nil, err
	}
	sched, err := s.parse(cfg.Schedule, cfg.NameLocation)
	if err != nil {
		return nil, err
	}
	loc, _, _ := config.ScheduleZone(cfg.Schedule)
	if loc == nil {
		loc = cfg.NameLocation
	}
	return &entry{schedule: cfg.Schedule, loc: loc, sched: sched, catchUp: cfg.CatchUp, stateDir: cfg.StateDir}, nil
}

// fire starts the scheduled run of job name. A run of it still going on
// in this process makes this one skipped, recorded as a run from cron
// held off by the lock is.
func (s *Scheduler) fire(name string) {
	s.mu.Lock()
	ctx, scheduled := s.ctx, s.jobs[name] != nil
	s.mu.Unlock()
	if !scheduled {
		return // removed since the cron picked it
	}
	s.start(ctx, name, ByScheduler)
}

func (s *Scheduler) start(ctx context.Context, name, by string) {
	err := s.runs.Start(ctx, name, by)
	switch {
	case err == nil:
		s.log.Info("run started", "job", name, "by", by)
	case errors.Is(err, app.ErrRunning):
		s.log.Warn("scheduled run skipped: the job's last run is still going", "job", name)
		s.runs.RecordSkipped(ctx, name)
	case errors.Is(err, app.ErrShuttingDown):
	default:
		s.log.Error("scheduled run did not start", "job", name, "err", err)
	}
}

// Next returns when job runs next; ok is false for a job not scheduled.
func (s *Scheduler) Next(job string) (next time.Time, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.jobs[job]
	if e == nil {
		return time.Time{}, false
	}
	return e.sched.Next(s.now()), true
}

// Stop stops the clock: no run starts after it. The runs going on are
// the Manager's to stop (Shutdown).
func (s *Scheduler) Stop() {
	<-s.cron.Stop().Done()
}

// cronLog is the cron library's log in ours: its routine lines at debug.
type cronLog struct{ log *slog.Logger }

func (l cronLog) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLog) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
