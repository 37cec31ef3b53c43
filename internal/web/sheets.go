package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/state"
)

// adminSheetsRoutes registers the Google Sheets sync jobs' model view:
// list, add, edit and remove, checked by the one validator
// (app.SaveSyncJob, config.ParseSyncJob) as `dbbackup sheets add|edit`
// are, and Sync now with its progress. The sync job default is the
// .env's: it is listed and synced here, and changed there. Admins only.
func (s *Server) adminSheetsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/sheets", s.admin(s.sheetsPage))
	mux.Handle("GET /admin/sheets/new", s.admin(s.newSheetForm))
	mux.Handle("POST /admin/sheets", s.admin(s.addSheet))
	mux.Handle("GET /admin/sheets/{name}", s.admin(s.editSheetForm))
	mux.Handle("POST /admin/sheets/{name}", s.admin(s.editSheet))
	mux.Handle("GET /admin/sheets/{name}/remove", s.admin(s.removeSheetForm))
	mux.Handle("POST /admin/sheets/{name}/remove", s.admin(s.removeSheet))
	mux.Handle("POST /admin/sheets/{name}/sync", s.admin(s.syncNow))
	mux.Handle("GET /admin/sheets/{name}/live", s.admin(s.syncLivePage))
	mux.Handle("GET /admin/sheets/{name}/progress", s.admin(s.syncProgress))
}

// syncJobRow is one sync job of the list.
type syncJobRow struct {
	Name, Source, Spreadsheet, Tabs, Mode, Job, Schedule string
	Stored                                               bool
	Problem                                              string
	// Last is the newest sync's status in words, LastHref its page; ""
	// when the job never synced.
	Last, LastClass, LastHref string
}

// sheetsView is the sync jobs' list.
type sheetsView struct {
	Search searchForm
	Jobs   []syncJobRow
	// Done is "removed" after a sync job was removed: a fixed code.
	Done string
}

var sheetFilters = []string{"replace", "append", "scheduled", "broken"}

var sheetSorts = map[string]func(a, b syncJobRow) int{
	"name":        byString(func(j syncJobRow) string { return j.Name }),
	"spreadsheet": byString(func(j syncJobRow) string { return j.Spreadsheet }),
	"job":         byString(func(j syncJobRow) string { return j.Job }),
	"schedule":    byString(func(j syncJobRow) string { return j.Schedule }),
}

func (s *Server) sheetsPage(w http.ResponseWriter, r *http.Request) {
	rows, err := s.syncJobRows(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	l := readListing(r, []string{"name", "spreadsheet", "job", "schedule"}, sheetFilters, false)
	l.Path = "/admin/sheets"
	v := sheetsView{}
	if r.URL.Query().Get("done") == "removed" {
		v.Done = "removed"
	}
	v.Jobs = list(&l, rows, func(j syncJobRow) bool {
		switch l.Filter {
		case "replace", "append":
			if j.Problem != "" || !strings.HasPrefix(j.Mode, l.Filter) {
				return false
			}
		case "scheduled":
			if j.Schedule == "" {
				return false
			}
		case "broken":
			if j.Problem == "" {
				return false
			}
		}
		return contains(j.Name, l.Search) || contains(j.Source, l.Search) || contains(j.Spreadsheet, l.Search) || contains(j.Tabs, l.Search)
	}, sheetSorts)
	v.Search = searchForm{List: l, Label: "names, sources, spreadsheets and tabs", FilterLabel: "Show", Filters: sheetFilters}
	s.render(w, r, "admin_sheets", "Sheets", v)
}

// syncJobRows lists every sync job with its newest sync.
func (s *Server) syncJobRows(ctx context.Context) ([]syncJobRow, error) {
	jobs, err := s.o.App.SyncJobs(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(jobs))
	for i, j := range jobs {
		names[i] = j.Name
	}
	last, err := s.o.App.LastSyncs(ctx, names)
	if err != nil {
		s.log.Warn("sheets page: the last syncs cannot be read", "err", err)
	}
	rows := make([]syncJobRow, 0, len(jobs))
	for _, j := range jobs {
		row := syncJobRow{Name: j.Name, Stored: j.Stored}
		if j.Err != nil {
			row.Problem = j.Err.Error()
		} else {
			sj := j.Job
			var sources, tabs []string
			for _, src := range sj.Sources() {
				sources, tabs = append(sources, src.Source()), append(tabs, src.Sheet)
			}
			row.Source, row.Tabs = strings.Join(sources, ", "), strings.Join(tabs, ", ")
			row.Spreadsheet, row.Mode, row.Job, row.Schedule = sj.SpreadsheetID, sj.Mode, sj.Job, sj.Schedule
			if sj.Mode == "append" {
				row.Mode += " by " + sj.Key
			}
		}
		if run, ok := last[j.Name]; ok {
			row.Last, row.LastClass = runStatusWords(run)
			row.LastHref = s.url(runPath(run.ID))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// syncJob is the sync job name as listed (its error when its settings
// cannot be used); a *app.NoSyncJobError (404) when there is none.
func (s *Server) syncJob(ctx context.Context, name string) (app.SyncJob, error) {
	jobs, err := s.o.App.SyncJobs(ctx)
	if err != nil {
		return app.SyncJob{}, err
	}
	for _, j := range jobs {
		if j.Name == name {
			return j, nil
		}
	}
	return app.SyncJob{}, &app.NoSyncJobError{Name: name}
}

// syncRunsHref is the history of sync job name.
func (s *Server) syncRunsHref(name string) string {
	return s.url(runsFilter{Kind: string(state.KindSheets), Job: name, Sort: "started", Desc: true}.href("/runs"))
}

// isDefaultSync reports whether name is the .env's sync job.
func isDefaultSync(name string) bool { return name == config.DefaultJob }
