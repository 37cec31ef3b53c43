package web

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/state"
)

// runNowRoutes registers Run now and Cancel (admins, POST) and the run's
// progress: a page, and the part of it htmx asks for every second.
func (s *Server) runNowRoutes(mux *http.ServeMux) {
	mux.Handle("POST /jobs/{job}/run", s.admin(s.runNow))
	mux.Handle("POST /jobs/{job}/cancel", s.admin(s.cancelRun))
	mux.Handle("GET /jobs/{job}/live", s.viewer(s.livePage))
	mux.Handle("GET /jobs/{job}/progress", s.viewer(s.progress))
}

// errNoManager is Run now on a server made without a Manager.
var errNoManager = errors.New("this server does not run backups (it was started without its run manager)")

// runNow starts a run of the job in the background, under its lock, and
// sends the browser to its progress. A run of the job already going on
// in this server is shown, never a second one started; a run held off by
// another process's lock (cron) ends skipped, as the history shows.
func (s *Server) runNow(w http.ResponseWriter, r *http.Request) {
	job := r.PathValue("job")
	if s.o.Manager == nil {
		s.fail(w, r, http.StatusServiceUnavailable, errNoManager)
		return
	}
	s.started(w, r, s.o.Manager.Start(r.Context(), job, userOf(r).Name), livePath(job), "run", "job "+job)
}

// started answers a start of a run or a sync: its progress at live, and
// the action audited; the one going on already shown, never a second.
func (s *Server) started(w http.ResponseWriter, r *http.Request, err error, live, action, detail string) {
	switch {
	case errors.Is(err, app.ErrRunning):
		s.redirect(w, r, live+"?already=1")
		return
	case errors.Is(err, app.ErrShuttingDown):
		s.fail(w, r, http.StatusServiceUnavailable, err)
		return
	case err != nil:
		s.fail(w, r, statusOf(err), err)
		return
	}
	s.audit(r, action, detail)
	s.redirect(w, r, live)
}

// cancelRun stops the run of the job going on in this server: it ends
// interrupted, nothing of it kept.
func (s *Server) cancelRun(w http.ResponseWriter, r *http.Request) {
	job := r.PathValue("job")
	if s.o.Manager == nil {
		s.fail(w, r, http.StatusServiceUnavailable, errNoManager)
		return
	}
	if s.o.Manager.Cancel(job, userOf(r).Name) {
		s.audit(r, "cancel", "job "+job)
	}
	s.redirect(w, r, livePath(job))
}

// livePath is the address of job's progress page.
func livePath(job string) string { return "/jobs/" + url.PathEscape(job) + "/live" }

// liveView is a run this server runs or ran last, as its progress shows
// it; Poll asks htmx to fetch it again in a second.
type liveView struct {
	Live    app.Live
	Job     string
	Poll    string // the progress's address while the run goes on, else ""
	Cancel  string // Cancel's address, for an admin while the run goes on
	RunHref string // the run's page, once the history has it
	Status  string
	Class   string
	Elapsed string
	// Doing says in words what the run going on does now ("" once over).
	Doing   string
	Formats []formatRow
}

// formatRow is the export of one format so far.
type formatRow struct {
	Format     string
	Tables     int
	Rows       int64
	Bytes      int64
	RowsPerSec string
	Table      string
}

// live is what this server knows of job's newest run, nil when it ran
// none since it started (a run from cron shows in the history alone).
func (s *Server) live(r *http.Request, job string) *liveView {
	if s.o.Manager == nil {
		return nil
	}
	l, ok := s.o.Manager.Live(job)
	if !ok {
		return nil
	}
	v := &liveView{Live: l, Job: job}
	// The Manager stamps its runs with the machine's clock.
	end := time.Now()
	if l.Done {
		end = l.Finished
		v.Status, v.Class = runStatusWords(state.Run{Status: l.Status, Stage: l.Stage})
		if l.Cancelled && l.Status == state.StatusInterrupted {
			v.Status, v.Class = "cancelled by "+l.CancelledBy, "warning"
		}
	} else {
		v.Poll = s.url("/jobs/" + url.PathEscape(job) + "/progress")
		v.Status, v.Doing = "running", doing(l, end)
		if u := userOf(r); u != nil && u.Role == RoleAdmin && !l.Cancelled {
			v.Cancel = s.url("/jobs/" + url.PathEscape(job) + "/cancel")
		}
	}
	v.Elapsed = end.Sub(l.Started).Round(time.Second).String()
	if l.RunID != 0 {
		v.RunHref = s.url(runPath(l.RunID))
	}
	for name, f := range l.Formats {
		v.Formats = append(v.Formats, formatRow{Format: name, Tables: f.Tables, Rows: f.Rows, Bytes: f.Bytes,
			RowsPerSec: dbbackup.HumanCount(int64(f.RowsPerSec)), Table: f.Table})
	}
	sort.Slice(v.Formats, func(i, j int) bool { return v.Formats[i].Format < v.Formats[j].Format })
	return v
}

// liveJob is the progress page of one job.
type liveJob struct {
	Job     string
	Already bool // Run now found a run going on and showed it instead
	Live    *liveView
	Admin   bool
	History string // the job's runs in the history
	RunNow  string
}

func (s *Server) livePage(w http.ResponseWriter, r *http.Request) {
	job := r.PathValue("job")
	if !s.knownJob(w, r, job) {
		return
	}
	v := liveJob{Job: job, Already: r.URL.Query().Get("already") != "", Live: s.live(r, job),
		Admin:   userOf(r).Role == RoleAdmin,
		History: s.url(runsFilter{Job: job, Sort: "started", Desc: true}.href("/runs")),
		RunNow:  s.url("/jobs/" + url.PathEscape(job) + "/run")}
	s.render(w, r, "live", "Run of "+job, v)
}

// progress is the progress alone, for htmx to swap in.
func (s *Server) progress(w http.ResponseWriter, r *http.Request) {
	job := r.PathValue("job")
	if !s.knownJob(w, r, job) {
		return
	}
	s.fragment(w, r, "live", "progress-fragment", s.live(r, job))
}

// knownJob answers 404 and returns false for a job that does not exist.
func (s *Server) knownJob(w http.ResponseWriter, r *http.Request, job string) bool {
	names, err := s.o.App.JobNames(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return false
	}
	for _, n := range names {
		if n == job {
			return true
		}
	}
	s.fail(w, r, http.StatusNotFound, &app.NoJobError{Name: job})
	return false
}
