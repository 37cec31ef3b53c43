package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/state"
)

// backupsRoutes registers the Backups page: the sets in each job's
// destination, a download of any file the manifest vouches for, and, for
// admins, Verify and Restore.
func (s *Server) backupsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /backups", s.viewer(s.backupsPage))
	mux.Handle("GET /backups/{job}/{set}/{file}", s.viewer(s.download))
	mux.Handle("POST /backups/{job}/{set}/verify", s.admin(s.verifySet))
	mux.Handle("GET /backups/{job}/{set}/verify/{id}", s.admin(s.verifyResult))
	mux.Handle("GET /backups/{job}/{set}/restore", s.admin(s.restoreForm))
	mux.Handle("POST /backups/{job}/{set}/restore", s.admin(s.restore))
	mux.Handle("GET /backups/{job}/{set}/restore/{id}", s.admin(s.restoreResult))
}

func init() { pageFuncs["setpath"] = setPath }

// backupsView is the Backups page: one section per job shown.
type backupsView struct {
	Jobs  []jobSets
	Admin bool
	// Job is the one job asked for (?job=), "" for every job.
	Job string
}

// jobSets is what one job's destination holds of the job's sets.
type jobSets struct {
	Job, Dest, Database string
	// Problem says why the sets cannot be shown (settings, destination).
	Problem, Hint string
	Sets          []setView
}

// setView is one set as the page shows it.
type setView struct {
	ID       string
	Time     time.Time
	Database string
	Complete bool
	Problem  string
	Size     int64
	OneOff   bool
	Files    []fileView
	// Restores is the file a restore would load by default, "" when the
	// set cannot be restored (broken, or made of xlsx alone).
	Restores string
	// Run is the run of the history that made the set, 0 when the
	// history has none (made elsewhere, or the history was moved).
	Run int64
}

// fileView is one stored file of a set.
type fileView struct {
	Name   string
	Size   int64
	Format dbbackup.Format
	// Href downloads it through the server, checked; "" for a file the
	// manifest does not vouch for (renamed, unknown).
	Href string
	Link string // the destination's own address (Drive), if any
}

func (s *Server) backupsPage(w http.ResponseWriter, r *http.Request) {
	names, err := s.o.App.JobNames(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	v := backupsView{Admin: userOf(r).Role == RoleAdmin, Job: r.URL.Query().Get("job")}
	for _, name := range names {
		if v.Job != "" && name != v.Job {
			continue
		}
		v.Jobs = append(v.Jobs, s.jobSets(r.Context(), name))
	}
	if v.Job != "" && len(v.Jobs) == 0 {
		s.fail(w, r, http.StatusNotFound, &app.NoJobError{Name: v.Job})
		return
	}
	s.render(w, r, "backups", "Backups", v)
}

// jobSets inspects the sets of job in its destination: every manifest is
// read, so that a broken set says what is wrong with it.
func (s *Server) jobSets(ctx context.Context, job string) jobSets {
	js := jobSets{Job: job}
	cfg, err := s.o.App.LoadJob(ctx, job, nil)
	var found *app.Found
	if err == nil {
		found, err = s.o.App.Sets(ctx, cfg, s.log)
	}
	if found != nil && found.Dest != nil {
		js.Dest, js.Database = found.Dest.String(), found.Database
	}
	if err != nil {
		js.Problem, js.Hint = err.Error(), dbbackup.Explain(err).Hint
		return js
	}
	runs, err := s.o.Store.SetRuns(ctx, job)
	if err != nil {
		s.log.Warn("the sets are listed without their runs", "job", job, "err", err)
	}
	for _, set := range found.Sets {
		if set.Job != job {
			continue // another job's, in a shared folder
		}
		v := viewSet(job, set)
		v.Run = runs[set.ID]
		js.Sets = append(js.Sets, v)
	}
	return js
}

func viewSet(job string, set dbbackup.Set) setView {
	v := setView{ID: set.ID, Time: set.Time, Database: set.Database, Complete: set.Complete, Problem: set.Problem,
		Size: set.Size(), OneOff: set.OneOff()}
	vouched := map[string]bool{}
	for _, f := range set.Listed() {
		vouched[f.ID] = true
	}
	if set.Complete {
		if _, files, err := app.RestoreFiles(set, ""); err == nil {
			v.Restores = files[0].Name
		}
	}
	for _, f := range set.Files {
		fv := fileView{Name: f.Name, Size: f.Size, Format: f.Format, Link: f.Link}
		if vouched[f.ID] {
			fv.Href = setPath(job, set.ID, url.PathEscape(f.Name))
		}
		v.Files = append(v.Files, fv)
	}
	return v
}

// setPath is the address of what is under a set: /backups/JOB/SET/rest.
func setPath(job, set, rest string) string {
	return "/backups/" + url.PathEscape(job) + "/" + url.PathEscape(set) + "/" + rest
}

// foundSet is one set of a job, as a download, a verify or a restore
// needs it: the job's settings, its destination, and the set with its
// manifest read.
type foundSet struct {
	cfg  *config.Config
	dest dbbackup.Destination
	set  dbbackup.Set
}

// findSet finds the set of job named in r's path. It lists the
// destination and reads this set's manifest alone.
func (s *Server) findSet(r *http.Request) (*foundSet, error) {
	ctx := r.Context()
	job, id := r.PathValue("job"), r.PathValue("set")
	cfg, err := s.o.App.LoadJob(ctx, job, nil)
	if err != nil {
		return nil, err
	}
	dest, err := s.o.App.Destination(ctx, cfg, s.log)
	if err != nil {
		return nil, err
	}
	files, err := dest.List(ctx)
	if err != nil {
		return nil, err
	}
	sets := app.Pick(dbbackup.Sets(files, cfg.NameLocation), id)
	if len(sets) == 0 {
		return nil, &app.NoSetError{ID: id, Dest: dest.String()}
	}
	set := sets[0]
	if m, err := dbbackup.SetManifest(ctx, dest, set); err == nil {
		set.Manifest = m
		if m.Job != "" {
			set.Job = m.Job
		}
	}
	if set.Job != job {
		return nil, &app.NoSetError{ID: id, Dest: dest.String() + " (of job " + job + ")"}
	}
	return &foundSet{cfg: cfg, dest: dest, set: set}, nil
}

// statusOf is the status of an answer that failed with err: 404 for a
// job, set or file that is not there; 409 when the request is fine but the
// settings keep it from being served; 500 otherwise.
func statusOf(err error) int {
	switch {
	case errors.As(err, new(*app.NoJobError)), errors.As(err, new(*app.NoSyncJobError)), errors.As(err, new(*app.NoSetError)),
		errors.Is(err, dbbackup.ErrNotFound):
		return http.StatusNotFound
	case errors.As(err, new(*dbbackup.ConfigError)):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// fileCheck is one line of a verify: a file and what is wrong with it.
type fileCheck struct {
	Name    string
	Size    int64
	OK      bool
	Problem string
	Note    string
}

// verifyView is the result of verifying a set.
type verifyView struct {
	Job, Set, Dest string
	Checks         []fileCheck
	Bad            int
}

// verifySet reads every file of a set back and checks it against the
// manifest, and the manifest against the run history's record of it: what
// `dbbackup verify SET` does. The result has a page of its own, where the
// browser is sent: a reload shows it again, and reads nothing twice.
func (s *Server) verifySet(w http.ResponseWriter, r *http.Request) {
	fs, err := s.findSet(r)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	ctx := r.Context()
	v := verifyView{Job: fs.cfg.Job, Set: fs.set.ID, Dest: fs.dest.String()}
	v.Checks = append(v.Checks, s.checkManifest(ctx, fs))
	checks, err := dbbackup.Verify(ctx, fs.dest, fs.set)
	if err != nil {
		v.Checks = append(v.Checks, fileCheck{Name: fs.set.ID, Problem: err.Error()})
	}
	for _, c := range checks {
		v.Checks = append(v.Checks, fileCheck{Name: c.File.Name, Size: c.File.Size, OK: c.Problem == "", Problem: c.Problem})
	}
	for _, c := range v.Checks {
		if !c.OK {
			v.Bad++
		}
	}
	detail := fmt.Sprintf("set %s of job %s: every file matches its manifest", v.Set, v.Job)
	if v.Bad > 0 {
		detail = fmt.Sprintf("set %s of job %s: %d %s", v.Set, v.Job, v.Bad, plural(v.Bad, "problem", "problems"))
	}
	s.audit(r, "verify", detail)
	by := ""
	if u := userOf(r); u != nil {
		by = u.Name
	}
	if err := s.o.Store.RecordVerification(ctx, state.Verification{At: s.now(), Job: fs.set.Job, SetID: fs.set.ID,
		Database: fs.set.Database, OK: v.Bad == 0, Problems: v.Bad, By: by}); err != nil {
		s.log.Warn("the history did not record a verification", "set", fs.set.ID, "err", err)
	}
	id := s.results.put(v)
	s.redirect(w, r, setPath(v.Job, v.Set, "verify/"+id))
}

// verifyResult is the page of a verification just made.
func (s *Server) verifyResult(w http.ResponseWriter, r *http.Request) {
	if v, ok := keptSetResult[verifyView](s, w, r, "verification", "verify the set again on the Backups page"); ok {
		s.render(w, r, "verify", "Verify "+v.Set, v)
	}
}

func (v verifyView) ofSet() (job, set string) { return v.Job, v.Set }

// checkManifest compares the stored manifest with the SHA-256 the run
// that made the set recorded: Verify trusts the manifest, so an edited one
// would vouch for edited files.
func (s *Server) checkManifest(ctx context.Context, fs *foundSet) fileCheck {
	c := fileCheck{Name: dbbackup.ManifestName(fs.set.ID)}
	sum, ok, err := s.recordedManifest(ctx, fs.set.ID)
	switch {
	case err != nil:
		c.Problem = "the run history cannot be read: " + err.Error()
	case !ok:
		c.OK, c.Note = true, "no history record for this set: the manifest itself cannot be checked"
	default:
		c.Problem = dbbackup.CheckManifest(ctx, fs.dest, fs.set, sum)
		c.OK = c.Problem == ""
	}
	return c
}

// recordedManifest is the manifest's SHA-256 as the run history has it.
func (s *Server) recordedManifest(ctx context.Context, setID string) (string, bool, error) {
	if s.o.Store == nil {
		return "", false, nil
	}
	return s.o.Store.ManifestSHA256(ctx, setID)
}

// restoreChoice is what a restore of set from from ("" the best it has)
// loads, and the formats the form offers; or why the set cannot be
// restored.
func restoreChoice(set dbbackup.Set, from dbbackup.Format) (restoreView, error) {
	format, files, err := app.RestoreFiles(set, from)
	if err != nil {
		return restoreView{}, err
	}
	return restoreView{From: string(format), File: files[0].Name, Formats: app.RestoreFormats(set)}, nil
}

// strip returns s without surrounding space; a form's fields are typed.
func strip(s string) string { return strings.TrimSpace(s) }
