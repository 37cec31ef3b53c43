package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// csvBatch is how many runs the export reads at a time: the file is
// streamed, never the whole history held in memory.
const csvBatch = 500

// runsCSV exports the runs the list's filter selects, in its order, every
// page of them, as CSV for a spreadsheet. The first batch is read before
// anything is written, so that a bad filter is a 400 page, not a file
// that looks empty.
func (s *Server) runsCSV(w http.ResponseWriter, r *http.Request) {
	f, err := runFilterOf(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err)
		return
	}
	ctx := r.Context()
	runs, _, err := s.o.Store.QueryRuns(ctx, f.query(0, csvBatch))
	if err != nil {
		s.failQuery(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="dbbackup-runs-`+s.now().Format("2006-01-02")+`.csv"`)
	out := csv.NewWriter(w)
	out.Write([]string{"run", "job", "started", "finished", "status", "stage", "database", "set", "files", "bytes", "warnings", "report", "error", "kind"})
	for offset := 0; len(runs) > 0; {
		for _, run := range runs {
			finished := ""
			if !run.Finished.IsZero() {
				finished = run.Finished.Format(time.RFC3339)
			}
			out.Write([]string{strconv.FormatInt(run.ID, 10), cell(run.Job), run.Started.Format(time.RFC3339), finished,
				string(run.Status), string(run.Stage), cell(run.Database), cell(run.SetID), strconv.Itoa(run.FileCount),
				strconv.FormatInt(run.Size, 10), strconv.Itoa(run.WarningCount), reportState(run), cell(run.Error), string(run.Kind)})
		}
		out.Flush()
		if len(runs) < csvBatch || out.Error() != nil {
			break
		}
		offset += len(runs)
		if runs, _, err = s.o.Store.QueryRuns(ctx, f.query(offset, csvBatch)); err != nil {
			// The status is sent: all that can be done is to cut the
			// file short, so that it does not pass for a whole one.
			s.log.Error("runs export cut short", "err", err)
			panic(http.ErrAbortHandler)
		}
	}
}

// cell keeps a text a spreadsheet would take for a formula (=, +, -, @
// first) as text: a database name or an error is not to run in
// someone's spreadsheet.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
