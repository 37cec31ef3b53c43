package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
)

// settingsRoutes registers the Settings page: each job's settings with
// where each value comes from, secrets masked; and, for admins, the
// checks of `dbbackup check` and a test email.
func (s *Server) settingsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /settings", s.viewer(s.settingsPage))
	mux.Handle("POST /settings/{job}/check", s.admin(s.checkJob))
	mux.Handle("POST /settings/{job}/email", s.admin(s.testEmail))
}

// settingsView is the Settings page.
type settingsView struct {
	Jobs  []jobSettings
	Job   string // the one job asked for (?job=), "" for all
	Admin bool
}

// jobSettings is one job's settings as a run reads them.
type jobSettings struct {
	Job      string
	Settings []settingRow
	// Problem is why the job cannot be used as it is; Key the setting it
	// names, marked in the table.
	Problem, Hint, Key string
	// Drive and Email offer their checks: the job uses them.
	Drive, Email bool
	// Checks are the results of the checks just run, Ran which ones.
	Checks []checkResult
	Ran    string
	// Unused are the parts the job does not use (Drive, email), whose
	// checks do not apply: the page says so rather than leave them out.
	Unused []checkResult
}

// settingRow is one setting: its value in effect (masked when secret)
// and where it comes from.
type settingRow struct {
	Key, Value string
	From       config.Origin
	// Own is true for a setting a job may set itself (the others are the
	// installation's, in .env).
	Own bool
	// Unset says what an empty setting does ("every table"): an empty
	// value is never "none".
	Unset string
}

// checkResult is what one check found.
type checkResult struct {
	Name          string
	OK            bool
	Detail        string
	Problem, Hint string
	// Unused: the job does not use this part; Detail says why.
	Unused bool
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	names, err := s.o.App.JobNames(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	v := settingsView{Job: r.URL.Query().Get("job"), Admin: userOf(r).Role == RoleAdmin}
	for _, name := range names {
		if v.Job == "" || v.Job == name {
			js, _ := s.jobSettings(r.Context(), name)
			v.Jobs = append(v.Jobs, js)
		}
	}
	if len(v.Jobs) == 0 {
		s.fail(w, r, http.StatusNotFound, &app.NoJobError{Name: v.Job})
		return
	}
	s.render(w, r, "settings", "Settings", v)
}

// jobSettings reads job's settings; cfg is nil when they cannot be used
// (js says why).
func (s *Server) jobSettings(ctx context.Context, job string) (jobSettings, *config.Config) {
	js := jobSettings{Job: job}
	cfg, err := s.o.App.LoadJob(ctx, job, nil)
	if cfg != nil {
		for _, st := range cfg.Settings {
			_, own := config.JobSettingOf(st.Key)
			row := settingRow{Key: st.Key, Value: shown(st.Key, st.Value), From: st.From, Own: own}
			if st.Value == "" {
				row.Unset = config.Unset(st.Key, "")
			}
			js.Settings = append(js.Settings, row)
		}
	}
	if err != nil {
		js.Problem, js.Hint = problemOf(err)
		var ce *dbbackup.ConfigError
		if errors.As(err, &ce) {
			js.Key = ce.Var
		}
		return js, nil
	}
	js.Drive, js.Email = cfg.DriveEnabled(), len(cfg.Email.To) > 0
	if !js.Drive {
		js.Unused = append(js.Unused, checkResult{Name: "Google Drive", Unused: true,
			Detail: "DRIVE_BACKUP_FOLDER_ID is not set: the backups stay in BACKUP_DIR"})
	}
	if !js.Email {
		js.Unused = append(js.Unused, checkResult{Name: "email report", Unused: true,
			Detail: "EMAIL_TO is not set: no report is emailed"})
	}
	return js, cfg
}

// shown is a setting's value as a page shows it: a secret masked (a
// connection string keeps all but its password), anything else as it is.
func shown(key, value string) string {
	if value == "" || !config.Secret(key) || (key == "DATABASE_URL" && !app.HoldsSecret(key, value)) {
		return value
	}
	return app.MaskSecret(key, value)
}

// checkGroups are the checks each button runs, by the names app.Checks
// gives them; "all" runs every one, as `dbbackup check` does.
var checkGroups = map[string][]string{
	"database": {"database", "pg_dump"},
	"drive":    {"Google credentials", "Google Drive"},
	"smtp":     {"SMTP server"},
}

// checkJob runs the checks of a job's setup that the button asks for, as
// `dbbackup check` runs them (in order: pg_dump needs what the database
// check found), and shows each with OK or FAIL and what to do.
func (s *Server) checkJob(w http.ResponseWriter, r *http.Request) {
	js, cfg, ok := s.oneJob(w, r)
	if !ok {
		return
	}
	js.Ran = r.PostFormValue("what")
	group, known := checkGroups[js.Ran]
	if !known {
		js.Ran = "all"
	}
	for _, c := range s.o.App.Checks(cfg, s.log) {
		if known && !slices.Contains(group, c.Name) {
			continue
		}
		one, cancel := context.WithTimeout(r.Context(), time.Minute)
		detail, err := c.Run(one)
		cancel()
		res := checkResult{Name: c.Name, OK: err == nil, Detail: detail}
		if err != nil {
			res.Problem, res.Hint = problemOf(err)
		}
		js.Checks = append(js.Checks, res)
	}
	if !known {
		js.Checks = append(js.Checks, js.Unused...)
	}
	s.render(w, r, "settings", "Settings", settingsView{Jobs: []jobSettings{js}, Job: js.Job, Admin: true})
}

// testEmail sends a test email to the job's report recipients, through
// the job's SMTP settings.
func (s *Server) testEmail(w http.ResponseWriter, r *http.Request) {
	js, cfg, ok := s.oneJob(w, r)
	if !ok {
		return
	}
	js.Ran = "email"
	res := checkResult{Name: "test email"}
	n, err := app.NewNotifier(&cfg.Email, s.log)
	if err == nil {
		ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
		err = n.SendTest(ctx, cfg.Job)
		cancel()
	}
	if err != nil {
		res.Problem, res.Hint = problemOf(err)
	} else {
		res.OK, res.Detail = true, "sent to "+strings.Join(cfg.Email.To, ", ")+": look in the inbox (and the spam folder)"
	}
	js.Checks = []checkResult{res}
	s.render(w, r, "settings", "Settings", settingsView{Jobs: []jobSettings{js}, Job: js.Job, Admin: true})
}

// oneJob reads the settings of the job in r's path for a check; a job
// whose settings cannot be used is shown with why, and ok is false.
func (s *Server) oneJob(w http.ResponseWriter, r *http.Request) (jobSettings, *config.Config, bool) {
	job := r.PathValue("job")
	names, err := s.o.App.JobNames(r.Context())
	if err == nil && !slices.Contains(names, job) {
		err = &app.NoJobError{Name: job}
	}
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return jobSettings{}, nil, false
	}
	js, cfg := s.jobSettings(r.Context(), job)
	if cfg == nil {
		s.renderStatus(w, r, http.StatusConflict, "settings", "Settings", settingsView{Jobs: []jobSettings{js}, Job: job, Admin: true})
		return js, nil, false
	}
	return js, cfg, true
}
