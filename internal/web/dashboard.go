package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/schedule"
	"github.com/dbbackup/dbbackup/internal/state"
)

// dashboardRoutes registers the Dashboard, Run now with its progress, and
// the Drive panel the Dashboard loads after itself.
func (s *Server) dashboardRoutes(mux *http.ServeMux) {
	mux.Handle("GET /{$}", s.viewer(s.dashboard))
	mux.Handle("GET /jobs/{job}/drive", s.viewer(s.drivePanel))
	s.runNowRoutes(mux)
}

// stripDays is how many days the Dashboard's strip shows, today included.
const stripDays = 30

// dashboardView is the Dashboard: one card per job.
type dashboardView struct {
	Jobs  []jobCard
	Admin bool
}

// jobCard answers, for one job, "is my data safe?".
type jobCard struct {
	Job string
	// Problem and Hint say why the job's settings cannot be read; the
	// history is shown all the same.
	Problem, Hint string
	Schedule      string
	// LastGood is the newest run that ended ok, nil for none; Stale when
	// it is older than two periods of the schedule (StaleNote says so).
	LastGood  *runRow
	Stale     bool
	StaleNote string
	Last      *runRow // the newest run, whatever its end
	// Next is when this server starts the job next; zero when it does
	// not schedule it.
	Next time.Time
	Days []dayCell
	// DaySummary counts the strip's days by status, for people who do
	// not see colours.
	DaySummary string
	// Drive is the Drive panel when the job stores in Drive: its status
	// when a recent check is at hand, else the address that checks.
	Drive      bool
	DriveState *driveStatus
	DriveHref  string
	// Verified is the newest verification of one of the job's sets (the
	// Backups page's Verify, `dbbackup verify`); nil when none is recorded.
	Verified *state.Verification
	Live     *liveView // the run going on in this server, if any
	RunNow   string
	LiveHref string
	Runs     string // the job's runs in the list
}

// dayCell is one day of the strip.
type dayCell struct {
	Date   time.Time
	Status string // ok, warning, failed or none
	Label  string // the day in words, for a screen reader and a tooltip
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	names, err := s.o.App.JobNames(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	v := dashboardView{Admin: userOf(r).Role == RoleAdmin}
	for _, name := range names {
		c, err := s.jobCard(r, name)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err)
			return
		}
		v.Jobs = append(v.Jobs, c)
	}
	s.render(w, r, "dashboard", "Dashboard", v)
}

// jobCard reads what the history says of job, and what its settings say
// of its schedule and Drive. Settings that cannot be read are shown on the
// card; a history that cannot be read fails the page.
func (s *Server) jobCard(r *http.Request, job string) (jobCard, error) {
	ctx := r.Context()
	esc := url.PathEscape(job)
	c := jobCard{Job: job, RunNow: s.url("/jobs/" + esc + "/run"), LiveHref: s.url(livePath(job)),
		Runs: s.url(runsFilter{Job: job, Sort: "started", Desc: true}.href("/runs"))}
	loc := time.Local
	cfg, err := s.o.App.LoadJob(ctx, job, nil)
	if err != nil {
		c.Problem, c.Hint = err.Error(), dbbackup.Explain(err).Hint
	} else {
		loc, c.Schedule = cfg.NameLocation, cfg.Schedule
		if cfg.DriveEnabled() {
			c.Drive, c.DriveHref = true, s.url("/jobs/"+esc+"/drive")
			if st, ok := driveChecks.fresh(driveKey(cfg), s.now()); ok {
				c.DriveState = &st
			}
		}
	}
	if err := s.lastRuns(ctx, &c); err != nil {
		return c, err
	}
	c.Stale, c.StaleNote = s.stale(cfg, c.LastGood)
	if s.schedule != nil {
		c.Next, _ = s.schedule.Next(job)
	}
	if err := s.days(ctx, &c, loc); err != nil {
		return c, err
	}
	verified, ok, err := s.o.Store.LastVerification(ctx, job)
	if err != nil {
		return c, err
	}
	if ok {
		c.Verified = &verified
	}
	if lv := s.live(r, job); lv != nil && !lv.Live.Done {
		c.Live = lv
	}
	return c, nil
}

// lastRuns reads the newest good run of the card's job and its newest run.
func (s *Server) lastRuns(ctx context.Context, c *jobCard) error {
	good, _, err := s.o.Store.QueryRuns(ctx, state.RunQuery{Job: c.Job, Status: string(state.StatusOK), Limit: 1})
	if err != nil {
		return err
	}
	if len(good) > 0 {
		row := s.runRow(good[0])
		c.LastGood = &row
	}
	last, _, err := s.o.Store.QueryRuns(ctx, state.RunQuery{Job: c.Job, Limit: 1})
	if err != nil {
		return err
	}
	if len(last) > 0 {
		row := s.runRow(last[0])
		c.Last = &row
	}
	return nil
}

// stale tells whether the newest good backup is older than two periods
// of the job's schedule (the time between its next two runs), or missing.
// cfg is nil when the job's settings cannot be read (the card says why).
func (s *Server) stale(cfg *config.Config, good *runRow) (bool, string) {
	if good == nil {
		return true, "No good backup of this job yet."
	}
	if cfg == nil {
		return false, ""
	}
	sched, err := schedule.Parse(cfg.Schedule, cfg.NameLocation)
	if err != nil {
		return false, ""
	}
	now := s.now()
	next := sched.Next(now)
	period := sched.Next(next).Sub(next)
	if age := now.Sub(good.Started); period > 0 && age > 2*period {
		return true, fmt.Sprintf("Older than two runs of its schedule (%s, every %s or so): the backups are not being made.",
			cfg.Schedule, roughly(period))
	}
	return false, ""
}

// roughly is a period for people: "1 day", "6 h", "15 min".
func roughly(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		n := int(d / (24 * time.Hour))
		return fmt.Sprintf("%d %s", n, plural(n, "day", "days"))
	case d >= time.Hour:
		return fmt.Sprintf("%.0f h", d.Hours())
	}
	return fmt.Sprintf("%.0f min", d.Minutes())
}

// days fills the strip: the last stripDays days in loc (the job's time
// zone), oldest first.
func (s *Server) days(ctx context.Context, c *jobCard, loc *time.Location) error {
	now := s.now()
	days, err := s.o.Store.Days(ctx, c.Job, now.AddDate(0, 0, -(stripDays-1)), now, loc)
	if err != nil {
		return err
	}
	count := map[state.DayStatus]int{}
	for _, d := range days {
		count[d.Status]++
		label := d.Date.Format("Mon 2 Jan") + ": "
		switch d.Status {
		case state.DayNone:
			label += "no backup"
		case state.DayOK:
			label += "ok"
		case state.DayWarning:
			label += "ok with warnings, or interrupted"
		case state.DayFailed:
			label += "a run failed"
		}
		if d.Runs > 0 {
			label += fmt.Sprintf(" (%d %s)", d.Runs, plural(d.Runs, "run", "runs"))
		}
		c.Days = append(c.Days, dayCell{Date: d.Date, Status: string(d.Status), Label: label})
	}
	ok := count[state.DayOK]
	c.DaySummary = fmt.Sprintf("%d %s ok, %d with warnings, %d with a failure, %d without a backup",
		ok, plural(ok, "day", "days"), count[state.DayWarning], count[state.DayFailed], count[state.DayNone])
	return nil
}
