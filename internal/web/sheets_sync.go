package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/state"
)

// syncNow starts a sync of the sync job in the background, under its
// lock, and sends the browser to its progress. A sync of it already
// going on in this server is shown, never a second one started; one held
// off by another process's lock (cron) ends skipped, as the history
// shows.
func (s *Server) syncNow(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.o.Manager == nil {
		s.fail(w, r, http.StatusServiceUnavailable, errNoManager)
		return
	}
	s.started(w, r, s.o.Manager.StartSync(r.Context(), name, userOf(r).Name), syncLivePath(name), "sheets.sync", "sync job "+name)
}

// syncLivePath is the address of a sync job's progress page.
func syncLivePath(name string) string { return "/admin/sheets/" + url.PathEscape(name) + "/live" }

// syncLiveView is a sync this server runs or ran last, as its progress
// shows it; Poll asks htmx to fetch it again in a second.
type syncLiveView struct {
	Live          app.SyncLive
	Job           string
	Poll          string // the progress's address while the sync goes on, else ""
	RunHref       string // the run's page, once the history has it
	Status, Class string
	Elapsed       string
	RowsPerSec    string
	Err, Hint     string
}

// syncLive is what this server knows of the sync job's newest sync, nil
// when it synced none since it started.
func (s *Server) syncLive(name string) *syncLiveView {
	if s.o.Manager == nil {
		return nil
	}
	l, ok := s.o.Manager.SyncLive(name)
	if !ok {
		return nil
	}
	v := &syncLiveView{Live: l, Job: name, RowsPerSec: dbbackup.HumanCount(int64(l.RowsPerSec))}
	// The Manager stamps its syncs with the machine's clock.
	end := time.Now()
	switch o := l.Outcome; {
	case !l.Done:
		v.Poll, v.Status = s.url("/admin/sheets/"+url.PathEscape(name)+"/progress"), "syncing"
	case o == nil:
		v.Status, v.Class, end = "did not begin", "failed", l.Finished
	default:
		end = l.Finished
		v.Status, v.Class = runStatusWords(state.Run{Status: state.SyncStatusOf(o), WarningCount: len(o.Warnings)})
		if o.Err != nil && !o.Skipped {
			v.Err, v.Hint = o.Err.Error(), o.Hint()
		}
		if o.RunID != 0 {
			v.RunHref = s.url(runPath(o.RunID))
		}
	}
	v.Elapsed = end.Sub(l.Started).Round(time.Second).String()
	return v
}

// syncLiveJob is the progress page of one sync job.
type syncLiveJob struct {
	Job     string
	Already bool // Sync now found a sync going on and showed it instead
	Live    *syncLiveView
	SyncNow string
	History string
}

func (s *Server) syncLivePage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.syncJob(r.Context(), name); err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	v := syncLiveJob{Job: name, Already: r.URL.Query().Get("already") != "", Live: s.syncLive(name),
		SyncNow: s.url("/admin/sheets/" + url.PathEscape(name) + "/sync"), History: s.syncRunsHref(name)}
	s.render(w, r, "sheet_live", "Sync of "+name, v)
}

// syncProgress is the progress alone, for htmx to swap in.
func (s *Server) syncProgress(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.syncJob(r.Context(), name); err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	s.fragment(w, r, "sheet_live", "sync-progress-fragment", s.syncLive(name))
}
