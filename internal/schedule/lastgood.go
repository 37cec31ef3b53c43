package schedule

import (
	"context"
	"sort"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/state"
)

// catchUp starts, now, each job with BACKUP_CATCH_UP whose schedule was
// missed while the server was down (Due).
func (s *Scheduler) catchUp(ctx context.Context) {
	s.mu.Lock()
	due := map[string]*entry{}
	for name, e := range s.jobs {
		if e.catchUp {
			due[name] = e
		}
	}
	s.mu.Unlock()
	names := make([]string, 0, len(due))
	for name := range due {
		names = append(names, name)
	}
	sort.Strings(names)
	now := s.now()
	for _, name := range names {
		e := due[name]
		last, err := lastGood(ctx, e.stateDir, name)
		if err != nil {
			s.log.Warn("cannot tell whether a run was missed: the run history is unreadable", "job", name, "err", err)
			continue
		}
		if Due(e.sched, last, now) {
			s.log.Info("making up for a scheduled run missed while the server was down", "job", name, "last good run", last)
			s.start(ctx, name, ByCatchUp)
		}
	}
}

// lastGood is when the newest good run of job began, zero when there is
// none (or no history yet).
func lastGood(ctx context.Context, stateDir, job string) (time.Time, error) {
	st, err := app.OpenStoreIfAny(stateDir)
	if err != nil || st == nil {
		return time.Time{}, err
	}
	defer st.Close()
	runs, _, err := st.QueryRuns(ctx, state.RunQuery{Job: job, Status: string(state.StatusOK), Sort: "started", Desc: true, Limit: 1})
	if err != nil || len(runs) == 0 {
		return time.Time{}, err
	}
	return runs[0].Started, nil
}
