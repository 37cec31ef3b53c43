package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

// runsRoutes registers the run history: the list (/runs), its CSV export
// (/runs.csv, the same filters) and each run's own page (/runs/{id}).
func (s *Server) runsRoutes(mux *http.ServeMux) {
	mux.Handle("GET /runs", s.viewer(s.runsPage))
	mux.Handle("GET /runs.csv", s.viewer(s.runsCSV))
	mux.Handle("GET /runs/{id}", s.viewer(s.runPage))
}

// runsPerPage is how many runs a page of the list shows.
const runsPerPage = 50

// runsFilter is what the list is asked for, as the form and the links
// carry it: the dates are days (YYYY-MM-DD), both included.
type runsFilter struct {
	// Kind is "" (every run), backup or sheets; a Job without it is a
	// backup job's name.
	Kind                          string
	Job, Status, Search, From, To string
	Sort                          string
	Desc                          bool
	Page                          int // from 1
}

// runFilterOf reads the filter from r's query. A date that is not one is
// a *badQuery; a sort or status the history does not know is found by
// the query itself (state.ErrBadQuery).
func runFilterOf(r *http.Request) (runsFilter, error) {
	q := r.URL.Query()
	f := runsFilter{Kind: q.Get("kind"), Job: q.Get("job"), Status: q.Get("status"), Search: strings.TrimSpace(q.Get("q")),
		From: q.Get("from"), To: q.Get("to"), Sort: q.Get("sort"), Desc: q.Get("dir") != "asc", Page: 1}
	if f.Sort == "" {
		f.Sort = "started"
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return f, &badQuery{"page", p, "a page number from 1"}
		}
		f.Page = n
	}
	for _, d := range []struct{ name, value string }{{"from", f.From}, {"to", f.To}} {
		if _, err := parseDay(d.value); err != nil {
			return f, &badQuery{d.name, d.value, "a date such as 2025-06-01"}
		}
	}
	return f, nil
}

// badQuery is a list's parameter the page cannot read: 400.
type badQuery struct{ Name, Value, Want string }

func (e *badQuery) Error() string {
	return fmt.Sprintf("the %s in the address is %q, not %s", e.Name, e.Value, e.Want)
}

// Hint says how to get back to a list that works.
func (e *badQuery) Hint() string {
	return "change the filter, or open the list again from the navigation"
}

// parseDay reads a date of the form's date field, midnight local time;
// "" is the zero time (no bound).
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(time.DateOnly, s, time.Local)
}

// query is the history's query for f: limit runs from offset.
func (f runsFilter) query(offset, limit int) state.RunQuery {
	from, _ := parseDay(f.From)
	to, _ := parseDay(f.To)
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1) // the last day is included
	}
	return state.RunQuery{Kind: state.Kind(f.Kind), Job: f.Job, Status: f.Status, Search: f.Search, From: from, To: to,
		Sort: f.Sort, Desc: f.Desc, Offset: offset, Limit: limit}
}

// values are f as a query string's values; page 1 and the defaults are
// left out, so that addresses stay short.
func (f runsFilter) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"kind", f.Kind}, {"job", f.Job}, {"status", f.Status}, {"q", f.Search}, {"from", f.From}, {"to", f.To}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if f.Sort != "started" {
		v.Set("sort", f.Sort)
	}
	if !f.Desc {
		v.Set("dir", "asc")
	}
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

// href is the address of path with f's query.
func (f runsFilter) href(path string) string {
	if q := f.values().Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// runsView is the Runs page.
type runsView struct {
	Filter   runsFilter
	Jobs     []string
	Kinds    []runKind
	Statuses []string
	Columns  []sortColumn
	Runs     []runRow
	// Total is how many runs the filter selects; First and Last the
	// places (from 1) of the runs shown.
	Total, First, Last int
	TotalText          string // Total with thousands marked
	Page, Pages        int
	Prev, Next, CSV    string // addresses; Prev and Next "" at the ends
}

// sortColumn is a column the list sorts by: its header links to the
// list sorted by it (reversed when it sorts by it already).
type sortColumn struct {
	Label, Href string
	// Sorted is aria-sort's value: ascending, descending or none.
	Sorted string
}

// runKind is a kind of run as the filter offers it.
type runKind struct{ Value, Label string }

// runKinds are the kinds of run the filter offers.
var runKinds = []runKind{{string(state.KindBackup), "backup"}, {string(state.KindSheets), "Sheets sync"}}

// kindWord is a run's kind as the list says it.
func kindWord(k state.Kind) string {
	if k == state.KindSheets {
		return "Sheets"
	}
	return "backup"
}

// runRow is one run of the list.
type runRow struct {
	ID                     int64
	Href                   string
	Kind                   string
	Sync                   bool
	Rows                   int64  // a sync's rows written
	Tabs                   string // a sync's tabs
	Started                time.Time
	Job, Database, SetID   string
	Status, Class          string
	Duration               string
	Files, Warnings        int
	Size                   int64
	Report, Error          string
	Running, Good, Warning bool
}

// runStatuses are the statuses the filter offers (warning: ok with
// warnings).
var runStatuses = []string{string(state.StatusOK), string(state.StatusWarning), string(state.StatusFailed),
	string(state.StatusInterrupted), string(state.StatusSkipped), string(state.StatusRunning)}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	f, err := runFilterOf(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	runs, total, err := s.o.Store.QueryRuns(r.Context(), f.query((f.Page-1)*runsPerPage, runsPerPage))
	if err != nil {
		s.failQuery(w, r, err)
		return
	}
	v := runsView{Filter: f, Kinds: runKinds, Statuses: runStatuses, Total: total, TotalText: dbbackup.HumanCount(int64(total)), Page: f.Page,
		Pages: max(1, (total+runsPerPage-1)/runsPerPage), CSV: s.url(f.href("/runs.csv"))}
	if v.Jobs, err = s.jobNamesOf(r.Context(), state.Kind(f.Kind)); err != nil {
		s.log.Warn("runs page: the jobs cannot be listed", "err", err)
	}
	for _, run := range runs {
		v.Runs = append(v.Runs, s.runRow(run))
	}
	if len(runs) > 0 {
		v.First = (f.Page-1)*runsPerPage + 1
		v.Last = v.First + len(runs) - 1
	}
	if f.Page > 1 {
		p := f
		p.Page = min(f.Page-1, v.Pages)
		v.Prev = s.url(p.href("/runs"))
	}
	if f.Page < v.Pages {
		p := f
		p.Page++
		v.Next = s.url(p.href("/runs"))
	}
	v.Columns = s.sortColumns(f)
	s.render(w, r, "runs", "Runs", v)
}

// jobNamesOf are the names the job filter offers: the sync jobs' for
// Sheets runs, else the backup jobs' (a job alone names a backup job).
func (s *Server) jobNamesOf(ctx context.Context, kind state.Kind) ([]string, error) {
	if kind != state.KindSheets {
		return s.o.App.JobNames(ctx)
	}
	jobs, err := s.o.App.SyncJobs(ctx)
	var names []string
	for _, j := range jobs {
		names = append(names, j.Name)
	}
	return names, err
}

// failQuery answers a list that could not be read: 400, with what to do,
// for a sort or filter the history does not have; else 500.
func (s *Server) failQuery(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, state.ErrBadQuery) {
		s.fail(w, r, http.StatusBadRequest, dbbackup.WithHint(err, "%s", (&badQuery{}).Hint()))
		return
	}
	s.fail(w, r, http.StatusInternalServerError, err)
}

// sortColumns are the list's sortable columns for f: a column sorted by
// already links to the other direction, any other to its natural one
// (newest, largest and longest first; names from A).
func (s *Server) sortColumns(f runsFilter) []sortColumn {
	var out []sortColumn
	for _, c := range []struct {
		label, sort string
		desc        bool
	}{{"Started", "started", true}, {"Status", "status", false}, {"Job", "job", false},
		{"Database", "database", false}, {"Duration", "duration", true}, {"Size", "size", true}} {
		col := sortColumn{Label: c.label, Sorted: "none"}
		g := f
		g.Page, g.Sort, g.Desc = 1, c.sort, c.desc
		if f.Sort == c.sort {
			col.Sorted = "ascending"
			if f.Desc {
				col.Sorted = "descending"
			}
			g.Desc = !f.Desc
		}
		col.Href = s.url(g.href("/runs"))
		out = append(out, col)
	}
	return out
}

// runRow is run as the list shows it.
func (s *Server) runRow(run state.Run) runRow {
	row := runRow{ID: run.ID, Href: s.url(runPath(run.ID)), Started: run.Started, Job: run.Job, Database: run.Database,
		SetID: run.SetID, Files: run.FileCount, Size: run.Size, Warnings: run.WarningCount, Report: reportState(run),
		Error: firstLine(run.Error), Kind: kindWord(run.Kind), Sync: run.Kind == state.KindSheets, Rows: run.Rows, Tabs: run.Tabs}
	row.Status, row.Class = runStatusWords(run)
	row.Duration = duration(run.Started, run.Finished)
	return row
}

// runPath is the address of run id's page.
func runPath(id int64) string { return "/runs/" + strconv.FormatInt(id, 10) }

// runStatusWords is a run's status in a word or three, and the class
// that colours it: ok, warning or failed ("" for one that says nothing
// of the data: running, skipped).
func runStatusWords(run state.Run) (words, class string) {
	switch run.Status {
	case state.StatusOK:
		if run.WarningCount > 0 {
			return fmt.Sprintf("ok, %d %s", run.WarningCount, plural(run.WarningCount, "warning", "warnings")), "warning"
		}
		return "ok", "ok"
	case state.StatusFailed:
		if run.Stage != "" {
			return "failed at " + string(run.Stage), "failed"
		}
		return "failed", "failed"
	case state.StatusInterrupted:
		return "interrupted", "failed"
	case state.StatusSkipped:
		return "skipped: another run held the lock", "warning"
	}
	return string(run.Status), ""
}

// reportState says what became of a run's report.
func reportState(run state.Run) string {
	switch {
	case !run.HasReport:
		return "none"
	case run.ReportSent:
		return "sent"
	}
	return "not sent"
}

// duration is how long a run took, "" while it runs or when it was
// interrupted (its end is unknown).
func duration(started, finished time.Time) string {
	if finished.IsZero() {
		return ""
	}
	d := finished.Sub(started)
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	}
	return d.Round(time.Minute).String()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func init() {
	pageFuncs["count"] = dbbackup.HumanCount
	pageFuncs["plural"] = plural
}
