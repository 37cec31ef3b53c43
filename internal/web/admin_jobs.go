package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
)

// adminJobsRoutes registers the jobs' model view: list, add, edit and
// remove, checked by the one validator (app.SaveJob, config.LoadJob) as
// `dbbackup job add|edit` are. The job default is the .env's: it is
// listed, and changed there.
func (s *Server) adminJobsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/jobs", s.admin(s.jobsPage))
	mux.Handle("GET /admin/jobs/new", s.admin(s.newJobForm))
	mux.Handle("POST /admin/jobs", s.admin(s.addJob))
	mux.Handle("GET /admin/jobs/{name}", s.admin(s.editJobForm))
	mux.Handle("POST /admin/jobs/{name}", s.admin(s.editJob))
	mux.Handle("GET /admin/jobs/{name}/remove", s.admin(s.removeJobForm))
	mux.Handle("POST /admin/jobs/{name}/remove", s.admin(s.removeJob))
}

// jobRow is one job of the list.
type jobRow struct {
	Name, Database, Destination, Schedule, Formats string
	Drive                                          bool
	Problem                                        string
}

// jobsView is the jobs' list.
type jobsView struct {
	Search searchForm
	Jobs   []jobRow
	// Done is "removed" after a job was removed, else "": a fixed code,
	// never text of the link's choosing in the page.
	Done string
}

var jobFilters = []string{"drive", "local", "broken"}

var jobSorts = map[string]func(a, b jobRow) int{
	"name":        byString(func(j jobRow) string { return j.Name }),
	"database":    byString(func(j jobRow) string { return j.Database }),
	"destination": byString(func(j jobRow) string { return j.Destination }),
	"schedule":    byString(func(j jobRow) string { return j.Schedule }),
}

func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	names, err := s.o.App.JobNames(ctx)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	rows := make([]jobRow, 0, len(names))
	for _, name := range names {
		rows = append(rows, s.jobRow(ctx, name))
	}
	l := readListing(r, []string{"name", "database", "destination", "schedule"}, jobFilters, false)
	l.Path = "/admin/jobs"
	v := jobsView{}
	if r.URL.Query().Get("done") == "removed" {
		v.Done = "removed"
	}
	v.Jobs = list(&l, rows, func(j jobRow) bool {
		switch l.Filter {
		case "drive", "local":
			if j.Problem != "" || j.Drive != (l.Filter == "drive") {
				return false
			}
		case "broken":
			if j.Problem == "" {
				return false
			}
		}
		return contains(j.Name, l.Search) || contains(j.Database, l.Search) || contains(j.Destination, l.Search)
	}, jobSorts)
	v.Search = searchForm{List: l, Label: "names, databases and destinations", FilterLabel: "Show", Filters: jobFilters}
	s.render(w, r, "admin_jobs", "Jobs", v)
}

func (s *Server) jobRow(ctx context.Context, name string) jobRow {
	row := jobRow{Name: name}
	cfg, err := s.o.App.LoadJob(ctx, name, nil)
	if err != nil {
		row.Problem = err.Error()
		return row
	}
	row.Database, row.Schedule = shown("DATABASE_URL", cfg.DatabaseURL), cfg.Schedule
	if row.Database == "" {
		row.Database = "libpq's defaults (PG* variables)"
	}
	formats := make([]string, len(cfg.Formats))
	for i, f := range cfg.Formats {
		formats[i] = string(f)
	}
	row.Formats = strings.Join(formats, ", ")
	row.Drive = cfg.DriveEnabled()
	row.Destination = "local folder " + cfg.BackupDir
	if row.Drive {
		row.Destination = "Google Drive folder " + cfg.Google.FolderID
	}
	return row
}

// jobForm is the form of a job: a field per setting a job may have.
type jobForm struct {
	Name   string
	New    bool
	Fields []jobField
	Errors formErrors
	// Refused: the form was sent and nothing was saved (else its errors
	// are those of the job as it is stored).
	Refused bool
	// Summary lists every error of the form, in the form's order, each
	// linking to its field.
	Summary []summaryLine
	// Done is "added" or "saved" just after the job was (a fixed code:
	// the banner names the job of the page's own address).
	Done string
	// After saving, the job's database is checked: Checked is what the
	// check found, Unchecked why it could not check (the database may be
	// down; the job is saved all the same). A problem of one setting
	// (BACKUP_TABLES matching no table) is that field's Warning instead.
	Checked   string
	Unchecked *fieldError
}

// summaryLine is one error of a form, linking to its field's id.
type summaryLine struct{ ID, Label, Problem string }

// jobField is one setting of the form.
type jobField struct {
	Key, Usage string
	Value      string
	// Inherited is what the job has when the field is left empty: the
	// .env's, the environment's or the default, and which.
	Inherited string
	// Kept is a secret the job holds, masked: left blank, it stays.
	Kept     string
	Password bool
	// Required: the field may not be left empty (a stored job's own
	// database), and inherits nothing.
	Required bool
	Choices  []string // a select of these ("" inherits), when not nil
	Error    *fieldError
	// Warning is what the database check after saving found wrong with
	// the setting: saved, but the next run will fail.
	Warning *fieldError
}

// choices are the settings with a few possible values.
var choices = map[string][]string{
	"BACKUP_KEEP_LOCAL":      {"true", "false"},
	"BACKUP_RETENTION_TRASH": {"true", "false"},
	"EMAIL_ON":               {"always", "failure", "never"},
	"SMTP_TLS":               {"none", "starttls", "tls"},
}

// form makes the job form: stored holds the job's settings as stored,
// secrets masked (none for a new job); inherited are the settings the job
// falls back on.
func form(name string, isNew bool, stored map[string]string, inherited []config.Setting) jobForm {
	f := jobForm{Name: name, New: isNew, Errors: formErrors{Fields: map[string]*fieldError{}}}
	from := map[string]config.Setting{}
	for _, st := range inherited {
		from[st.Key] = st
	}
	for _, js := range config.JobSettings {
		fd := jobField{Key: js.Key, Usage: js.Usage, Password: js.Key == "SMTP_PASSWORD", Choices: choices[js.Key]}
		v := stored[js.Key]
		if js.Secret && strings.Contains(v, app.Masked) {
			fd.Kept = v
		} else {
			fd.Value = v
		}
		switch st, ok := from[js.Key]; {
		case js.Key == "DATABASE_URL":
			// The .env's is the job default's: a job has its own.
			fd.Required = fd.Kept == ""
		case js.Key == "BACKUP_NAME_PREFIX":
			fd.Inherited = "the job's name" // never the .env's: each job's sets are named apart
		case ok && st.From == config.FromDefault:
			fd.Inherited = config.Unset(st.Key, st.Value) + " (the default)"
		case ok:
			fd.Inherited = shown(st.Key, st.Value) + " (" + string(st.From) + ")"
		}
		f.Fields = append(f.Fields, fd)
	}
	return f
}

// defaults are the settings a job without settings of its own would
// have: the environment's, the .env's, the defaults.
func (s *Server) defaults() []config.Setting {
	cfg, err := s.o.App.Load()
	if cfg == nil || err != nil {
		return nil
	}
	return cfg.Settings
}

func (s *Server) newJobForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_job", "New job", form("", true, nil, s.defaults()))
}

// addJob stores a new job with the settings filled in.
func (s *Server) addJob(w http.ResponseWriter, r *http.Request) {
	name := strip(r.PostFormValue("name"))
	values := map[string]string{}
	for _, js := range config.JobSettings {
		if v := strip(r.PostFormValue(js.Key)); v != "" {
			values[js.Key] = v
		}
	}
	if err := s.o.App.SaveJob(r.Context(), name, values, app.AddJob); err != nil {
		f := form(name, true, values, s.defaults())
		s.jobRefused(w, r, f, err)
		return
	}
	s.audit(r, "job.add", name+": "+keysOf(values))
	s.reschedule(r)
	s.redirect(w, r, "/admin/jobs/"+url.PathEscape(name)+"?done=added")
}

// storedJob is the stored settings of job name, secrets masked.
func (s *Server) storedJob(ctx context.Context, name string) (map[string]string, error) {
	if name == config.DefaultJob {
		return nil, &app.NoJobError{Name: name}
	}
	jobs, err := s.o.App.ExportJobs(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, j := range jobs.Jobs {
		if j.Name == name {
			return j.Settings, nil
		}
	}
	return nil, &app.NoJobError{Name: name}
}

// inheritedOf is what job name falls back on where it sets nothing.
func (s *Server) inheritedOf(ctx context.Context, name string) []config.Setting {
	cfg, _ := s.o.App.LoadJob(ctx, name, nil)
	if cfg == nil {
		return s.defaults()
	}
	var out []config.Setting
	for _, st := range cfg.Settings {
		if st.From != config.FromJob {
			out = append(out, st)
		}
	}
	return out
}

func (s *Server) editJobForm(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if name == config.DefaultJob {
		s.redirect(w, r, "/settings?job="+config.DefaultJob)
		return
	}
	stored, err := s.storedJob(r.Context(), name)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	f := form(name, false, stored, s.inheritedOf(r.Context(), name))
	cfg, err := s.o.App.LoadJob(r.Context(), name, nil)
	if err != nil {
		f.place(err) // a job that cannot be read says why, beside the setting
	}
	if done := r.URL.Query().Get("done"); done == "added" || done == "saved" {
		f.Done = done
		if err == nil {
			f.checked(app.CheckScope(r.Context(), cfg, s.log))
		}
	}
	s.render(w, r, "admin_job", "Job "+name, f)
}

// checked shows what the database check after saving found: a problem
// of one setting beside it, any other as the reason the database could
// not be checked now.
func (f *jobForm) checked(detail string, err error) {
	if err == nil {
		f.Checked = detail
		return
	}
	var ce *dbbackup.ConfigError
	if errors.As(err, &ce) {
		for i := range f.Fields {
			if f.Fields[i].Key == ce.Var {
				f.Fields[i].Warning = &fieldError{Problem: ce.Problem, Hint: ce.Hint}
				return
			}
		}
	}
	problem, hint := problemOf(err)
	f.Unchecked = &fieldError{Problem: problem, Hint: hint}
}

// editJob changes the settings of a job: a field emptied takes the
// .env's again; a secret left blank stays as it is, unless cleared.
func (s *Server) editJob(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("name")
	stored, err := s.storedJob(ctx, name)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	values := map[string]string{}
	var changed []string
	for _, js := range config.JobSettings {
		v, old := strip(r.PostFormValue(js.Key)), stored[js.Key]
		held := js.Secret && strings.Contains(old, app.Masked)
		switch {
		case held && v == "" && r.PostFormValue("clear."+js.Key) == "":
			continue // kept
		case held && v == "":
			values[js.Key] = "" // cleared
		default:
			values[js.Key] = v
		}
		if held || v != old {
			changed = append(changed, js.Key)
		}
	}
	if err := s.o.App.SaveJob(ctx, name, values, app.EditJob); err != nil {
		f := form(name, false, stored, s.inheritedOf(ctx, name))
		for i, fd := range f.Fields { // show what was typed, never a secret
			if fd.Kept == "" && !fd.Password {
				f.Fields[i].Value = values[fd.Key]
			}
		}
		s.jobRefused(w, r, f, err)
		return
	}
	s.audit(r, "job.edit", name+": "+strings.Join(changed, ", "))
	s.reschedule(r)
	s.redirect(w, r, "/admin/jobs/"+url.PathEscape(name)+"?done=saved")
}

// reschedule has the server's scheduler read the jobs again: a new job
// runs at its schedule, a removed one no more. What it cannot read it
// logs; the job's page says the same.
func (s *Server) reschedule(r *http.Request) {
	if s.o.Schedule == nil {
		return
	}
	if err := s.o.Schedule.Reload(context.WithoutCancel(r.Context())); err != nil {
		s.log.Warn("the scheduler could not read every job", "err", err)
	}
}

// jobRefused shows the form again with err beside the field it names.
func (s *Server) jobRefused(w http.ResponseWriter, r *http.Request, f jobForm, err error) {
	f.place(err)
	f.Refused = true
	s.refused(w, r, "admin_job", "Job", f.Name, f.New, f)
}

// place puts each error of err beside the field it names, or above the
// form, and lists them all in the summary, in the form's order.
func (f *jobForm) place(err error) {
	f.Errors = placeError(err, jobFieldOf)
	keys := make([]string, len(f.Fields))
	for i, fd := range f.Fields {
		keys[i] = fd.Key
		f.Fields[i].Error = f.Errors.Fields[fd.Key]
	}
	f.Summary = f.Errors.summary(keys, keys)
}

// jobFieldOf maps what an error names to the job form's field: a setting's
// key, or the name.
func jobFieldOf(variable string) (string, bool) {
	if variable == "NAME" {
		return "name", true
	}
	_, ok := config.JobSettingOf(variable)
	return variable, ok
}

// keysOf lists the settings given, never their values (secrets).
func keysOf(values map[string]string) string {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 {
		return "no settings of its own"
	}
	return strings.Join(keys, ", ")
}

// removeJobView asks before a job is removed.
type removeJobView struct{ Name string }

func (s *Server) removeJobForm(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := s.storedJob(r.Context(), name); err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	s.render(w, r, "admin_job_remove", "Remove job "+name, removeJobView{Name: name})
}

// removeJob removes a stored job; its backups stay where they are.
func (s *Server) removeJob(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := s.o.App.RemoveJob(r.Context(), name); err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	s.audit(r, "job.remove", name+" (its backups stay)")
	s.reschedule(r)
	s.redirect(w, r, "/admin/jobs?done=removed")
}
