package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
)

// sheetForm is the form of a sync job: a field per setting it may have.
type sheetForm struct {
	Name string
	New  bool
	// ReadOnly is the .env's sync job default: shown, changed in .env.
	ReadOnly bool
	Fields   []sheetField
	Errors   formErrors
	// Refused: the form was sent and nothing was saved (else its errors
	// are those of the sync job as it is stored).
	Refused bool
	// Summary lists every error of the form, in its order, each linking
	// to its field.
	Summary []summaryLine
	// Done is "added" or "saved" just after the sync job was: a fixed code.
	Done string
	// SyncNow, Live and History are the sync job's addresses ("" for a
	// new one).
	SyncNow, Live, History string
}

// sheetField is one setting of the form.
type sheetField struct {
	Key, Label, Usage string
	Value             string
	Multiline         bool     // the query
	Choices           []string // a select of these, when not nil
	Placeholder       string   // what an empty field means
	Error             *fieldError
}

// sheetLabels name the settings on the form; the key shows under each.
var sheetLabels = map[string]string{
	"SHEETS_SPREADSHEET_ID": "Spreadsheet id", "SHEETS_SHEET": "Tab", "SHEETS_TABLE": "Table", "SHEETS_QUERY": "Query",
	"SHEETS_MODE": "Mode", "SHEETS_KEY": "Key column", "SHEETS_SCHEDULE": "Schedule", "SHEETS_JOB": "Backup job (database read)",
}

// sheetFormOf makes the form of sync job name with these values.
func (s *Server) sheetFormOf(ctx context.Context, name string, isNew bool, values map[string]string) sheetForm {
	f := sheetForm{Name: name, New: isNew, Errors: formErrors{Fields: map[string]*fieldError{}}}
	if !isNew {
		base := "/admin/sheets/" + url.PathEscape(name)
		f.SyncNow, f.Live, f.History = s.url(base+"/sync"), s.url(base+"/live"), s.syncRunsHref(name)
	}
	jobs, err := s.o.App.JobNames(ctx)
	if err != nil {
		s.log.Warn("sheets form: the backup jobs cannot be listed", "err", err)
	}
	for _, st := range config.SyncSettings {
		fd := sheetField{Key: st.Key, Label: sheetLabels[st.Key], Usage: st.Usage, Value: values[st.Key], Multiline: st.Key == "SHEETS_QUERY"}
		switch st.Key {
		case "SHEETS_MODE":
			fd.Choices = []string{"replace", "append"}
		case "SHEETS_JOB":
			fd.Choices = jobs
			if fd.Value == "" {
				fd.Value = config.DefaultJob
			}
		case "SHEETS_SHEET":
			fd.Placeholder = "the table's name"
		case "SHEETS_SCHEDULE":
			fd.Placeholder = "only when asked"
		}
		f.Fields = append(f.Fields, fd)
	}
	return f
}

// formValues reads the sync job's settings from the form, trimmed; a
// field left empty is not set.
func formValues(r *http.Request) map[string]string {
	values := map[string]string{}
	for _, st := range config.SyncSettings {
		if v := strip(r.PostFormValue(st.Key)); v != "" {
			values[st.Key] = v
		}
	}
	return values
}

func (s *Server) newSheetForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_sheet", "New sync job", s.sheetFormOf(r.Context(), "", true, nil))
}

// addSheet stores a new sync job with the settings filled in.
func (s *Server) addSheet(w http.ResponseWriter, r *http.Request) {
	name := strip(r.PostFormValue("name"))
	values := formValues(r)
	if err := s.o.App.SaveSyncJob(r.Context(), name, values, app.AddJob); err != nil {
		s.sheetRefused(w, r, s.sheetFormOf(r.Context(), name, true, values), err)
		return
	}
	s.audit(r, "sheets.add", name+": "+keysOf(values))
	s.reschedule(r)
	s.redirect(w, r, "/admin/sheets/"+url.PathEscape(name)+"?done=added")
}

func (s *Server) editSheetForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("name")
	j, err := s.syncJob(ctx, name)
	if err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	values := map[string]string{}
	if isDefaultSync(name) {
		values = envSyncValues(j.Job)
	} else if stored, ok, err := s.o.Store.SyncJob(ctx, name); err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	} else if ok {
		values = stored.Settings
	}
	f := s.sheetFormOf(ctx, name, false, values)
	f.ReadOnly = isDefaultSync(name)
	if j.Err != nil {
		f.place(j.Err) // a sync job that cannot be used says why, beside the setting
	}
	if done := r.URL.Query().Get("done"); done == "added" || done == "saved" {
		f.Done = done
	}
	s.render(w, r, "admin_sheet", "Sync job "+name, f)
}

// envSyncValues are the .env's sync job's settings as the form shows
// them (its tables one per tab, comma-separated).
func envSyncValues(sj *config.SyncJob) map[string]string {
	if sj == nil {
		return nil
	}
	return map[string]string{"SHEETS_SPREADSHEET_ID": sj.SpreadsheetID, "SHEETS_TABLE": strings.Join(sj.Tables, ", "),
		"SHEETS_MODE": sj.Mode, "SHEETS_KEY": sj.Key, "SHEETS_SCHEDULE": sj.Schedule, "SHEETS_JOB": sj.Job}
}

// editSheet stores the sync job with exactly the settings of the form: a
// field emptied is unset. The .env's sync job is changed in .env.
func (s *Server) editSheet(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("name")
	old, ok, err := s.o.Store.SyncJob(ctx, name)
	switch {
	case err != nil:
		s.fail(w, r, statusOf(err), err)
		return
	case !ok:
		s.fail(w, r, http.StatusNotFound, &app.NoSyncJobError{Name: name})
		return
	}
	values := formValues(r)
	if err := s.o.App.SaveSyncJob(ctx, name, values, app.ReplaceJob); err != nil {
		s.sheetRefused(w, r, s.sheetFormOf(ctx, name, false, values), err)
		return
	}
	var changed []string
	for _, st := range config.SyncSettings {
		if values[st.Key] != old.Settings[st.Key] {
			changed = append(changed, st.Key)
		}
	}
	s.audit(r, "sheets.edit", name+": "+strings.Join(changed, ", "))
	s.reschedule(r)
	s.redirect(w, r, "/admin/sheets/"+url.PathEscape(name)+"?done=saved")
}

// sheetRefused shows the form again with err beside the field it names.
func (s *Server) sheetRefused(w http.ResponseWriter, r *http.Request, f sheetForm, err error) {
	f.place(err)
	f.Refused = true
	s.refused(w, r, "admin_sheet", "Sync job", f.Name, f.New, f)
}

// place puts each error of err beside the field it names, or above the
// form, and lists them all in the summary, in the form's order.
func (f *sheetForm) place(err error) {
	f.Errors = placeError(err, sheetFieldOf)
	keys, labels := make([]string, len(f.Fields)), make([]string, len(f.Fields))
	for i, fd := range f.Fields {
		keys[i], labels[i] = fd.Key, fd.Label
		f.Fields[i].Error = f.Errors.Fields[fd.Key]
	}
	f.Summary = f.Errors.summary(keys, labels)
}

// sheetFieldOf maps what an error names to the form's field: a setting's
// key (the .env's SHEETS_TABLES is the table's), or the name.
func sheetFieldOf(variable string) (string, bool) {
	switch variable {
	case "NAME":
		return "name", true
	case "SHEETS_TABLES":
		return "SHEETS_TABLE", true
	}
	_, ok := config.SyncSettingOf(variable)
	return variable, ok
}

// removeSheetView asks before a sync job is removed.
type removeSheetView struct{ Name string }

func (s *Server) removeSheetForm(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, ok, err := s.o.Store.SyncJob(r.Context(), name); err != nil || !ok {
		if err == nil {
			err = &app.NoSyncJobError{Name: name}
		}
		s.fail(w, r, statusOf(err), err)
		return
	}
	s.render(w, r, "admin_sheet_remove", "Remove sync job "+name, removeSheetView{Name: name})
}

// removeSheet removes a stored sync job; its tabs and runs stay.
func (s *Server) removeSheet(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := s.o.App.RemoveSyncJob(r.Context(), name); err != nil {
		s.fail(w, r, statusOf(err), err)
		return
	}
	s.audit(r, "sheets.remove", name+" (its tabs and runs stay)")
	s.reschedule(r)
	s.redirect(w, r, "/admin/sheets?done=removed")
}
