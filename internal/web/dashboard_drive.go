package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/drive"
	"github.com/dbbackup/dbbackup/internal/google"
)

// driveStatus is what the Dashboard shows of a job's Google Drive: whether
// the token still refreshes, and the account, folder and storage.
type driveStatus struct {
	Checked time.Time
	// TokenOK: a refresh was tried and worked. Otherwise TokenProblem and
	// TokenHint say why, and Testing names the 7-day trap: Google refused
	// the refresh token (invalid_grant), which an app left in "Testing"
	// publishing status earns every week.
	TokenOK                 bool
	TokenProblem, TokenHint string
	Testing                 bool
	Account, Folder         string
	// Used and Limit are the account's storage; Limit 0 is unlimited.
	Used, Limit int64
	Percent     int
	// Problem and Hint say what is wrong with the folder or the quota.
	Problem, Hint string
}

// driveTTL is how long a check of Drive stands: the Dashboard never waits
// for Google more than once in that time per token and folder.
const driveTTL = 5 * time.Minute

// driveTimeout bounds one check of Drive.
const driveTimeout = 30 * time.Second

// drivePanel checks the job's Drive (or takes the recent check) and
// answers the panel alone, for htmx to swap into the Dashboard.
func (s *Server) drivePanel(w http.ResponseWriter, r *http.Request) {
	job := r.PathValue("job")
	if !s.knownJob(w, r, job) {
		return
	}
	cfg, err := s.o.App.LoadJob(r.Context(), job, nil)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	if !cfg.DriveEnabled() {
		s.fail(w, r, http.StatusNotFound, dbbackup.WithHint(errNoDrive, "set DRIVE_BACKUP_FOLDER_ID to store its backups in Google Drive"))
		return
	}
	// The check goes on when the browser leaves: the next page gets it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), driveTimeout)
	defer cancel()
	st := driveChecks.get(driveKey(cfg), s.now(), func() driveStatus { return s.checkDrive(ctx, cfg) })
	s.fragment(w, r, "dashboard", "drive-fragment", &st)
}

var errNoDrive = errors.New("this job does not store its backups in Google Drive")

// checkDrive tries a refresh of the token, then reads the folder and the
// storage as a run's check does.
func (s *Server) checkDrive(ctx context.Context, cfg *config.Config) driveStatus {
	st := driveStatus{Checked: s.now(), Folder: cfg.Google.FolderID}
	gc, err := google.New(ctx, cfg.Google.TokenFile, cfg.Google.Scopes, s.log)
	if err == nil {
		err = gc.Refresh()
	}
	if err != nil {
		st.TokenProblem, st.TokenHint = err.Error(), dbbackup.Explain(err).Hint
		st.Testing = strings.Contains(err.Error(), "invalid_grant")
		return st
	}
	st.TokenOK = true
	d, _, err := s.o.App.Drive(ctx, cfg, s.log)
	if err == nil {
		var q drive.Quota
		q, err = d.Check(ctx, 0)
		st.Account, st.Used, st.Limit = q.User, q.Usage, q.Limit
	}
	if err != nil {
		st.Problem, st.Hint = err.Error(), dbbackup.Explain(err).Hint
	}
	if st.Limit > 0 {
		st.Percent = int(100 * st.Used / st.Limit)
	}
	return st
}

// driveKey names what a check looks at: a token and a folder. Two jobs
// that share both share the check.
func driveKey(cfg *config.Config) string {
	return cfg.Google.TokenFile + "\x00" + cfg.Google.FolderID + "\x00" + cfg.Google.APIEndpoint
}

// driveChecks are the recent checks of Drive, shared by every server of
// the process: the key says all a check depends on.
var driveChecks = &driveCache{entries: map[string]*driveEntry{}}

// driveCache keeps each check for driveTTL, and makes the requests that
// come while a check goes on wait for it rather than check again.
type driveCache struct {
	mu      sync.Mutex
	entries map[string]*driveEntry
}

type driveEntry struct {
	done   chan struct{} // closed once status is known
	status driveStatus
}

// fresh is the check of key made less than driveTTL before now, if any.
func (c *driveCache) fresh(key string, now time.Time) (driveStatus, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil {
		return driveStatus{}, false
	}
	select {
	case <-e.done:
		return e.status, now.Sub(e.status.Checked) < driveTTL
	default:
		return driveStatus{}, false
	}
}

// get is the fresh check of key, or the one going on, or a new one made
// with check.
func (c *driveCache) get(key string, now time.Time, check func() driveStatus) driveStatus {
	c.mu.Lock()
	e := c.entries[key]
	if e != nil {
		select {
		case <-e.done:
			if now.Sub(e.status.Checked) >= driveTTL {
				e = nil
			}
		default:
		}
	}
	if e != nil {
		c.mu.Unlock()
		<-e.done
		return e.status
	}
	e = &driveEntry{done: make(chan struct{})}
	c.entries[key] = e
	c.mu.Unlock()
	defer close(e.done)
	e.status = check()
	return e.status
}
