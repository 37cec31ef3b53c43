package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// fakeRun is a run row as the web's lists see it, written directly so
// that a test can make thousands.
type fakeRun struct {
	job, status, database, setID, err string
	started                           time.Time
	took                              time.Duration // 0: no end
	sizes                             []int64
	warnings                          int
}

func putRuns(tb testing.TB, s *Store, runs []fakeRun) []int64 {
	tb.Helper()
	tx, err := s.db.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	var ids []int64
	for _, r := range runs {
		var finished any
		if r.took > 0 {
			finished = formatTime(r.started.Add(r.took))
		}
		res, err := tx.Exec(`INSERT INTO runs (job, started, finished, status, set_id, database_name, error) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			jobOrDefault(r.job), formatTime(r.started), finished, r.status, r.setID, r.database, r.err)
		if err != nil {
			tb.Fatal(err)
		}
		id, _ := res.LastInsertId()
		ids = append(ids, id)
		for i, size := range r.sizes {
			if _, err := tx.Exec(`INSERT INTO run_files (run_id, pos, name, set_id, format, size, sha256, md5, dest_id, link)
				VALUES (?, ?, ?, ?, 'csv', ?, '', '', '', '')`, id, i, fmt.Sprintf("%s.%d", r.setID, i), r.setID, size); err != nil {
				tb.Fatal(err)
			}
		}
		for i := range r.warnings {
			if _, err := tx.Exec(`INSERT INTO run_warnings (run_id, pos, message) VALUES (?, ?, 'w')`, id, i); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return ids
}

func TestQueryRuns(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	h := time.Hour
	ids := putRuns(t, s, []fakeRun{
		{job: "", status: "ok", database: "shop", setID: "backup_1", started: t0, took: 90 * time.Second, sizes: []int64{100, 50}},
		{job: "crm", status: "failed", database: "crm", setID: "crm_2", err: "connection refused", started: t0.Add(h), took: time.Second},
		{job: "", status: "ok", database: "shop", setID: "backup_3", started: t0.Add(2 * h), took: 10 * time.Second, sizes: []int64{999}, warnings: 2},
		{job: "crm", status: "interrupted", database: "crm_100%", setID: "crm_4", started: t0.Add(3 * h)},
		{job: "crm", status: "skipped", started: t0.Add(4 * h), took: time.Millisecond},
	})
	run := func(q RunQuery) ([]int64, int) {
		t.Helper()
		runs, total, err := s.QueryRuns(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range runs {
			got = append(got, r.ID)
		}
		return got, total
	}
	id := func(i ...int) []int64 {
		var out []int64
		for _, n := range i {
			out = append(out, ids[n])
		}
		return out
	}
	for name, c := range map[string]struct {
		q     RunQuery
		want  []int64
		total int
	}{
		"newest first":      {RunQuery{}, id(4, 3, 2, 1, 0), 5},
		"oldest first":      {RunQuery{Sort: "started"}, id(0, 1, 2, 3, 4), 5},
		"job":               {RunQuery{Job: "crm"}, id(4, 3, 1), 3},
		"job default":       {RunQuery{Job: "default"}, id(2, 0), 2},
		"status":            {RunQuery{Status: "ok"}, id(2, 0), 2},
		"warning":           {RunQuery{Status: "warning"}, id(2), 1},
		"from to":           {RunQuery{From: t0.Add(h), To: t0.Add(3 * h)}, id(2, 1), 2},
		"search set id":     {RunQuery{Search: "BACKUP_"}, id(2, 0), 2},
		"search error":      {RunQuery{Search: "refused"}, id(1), 1},
		"search literal %":  {RunQuery{Search: "100%"}, id(3), 1},
		"search literal _":  {RunQuery{Search: "sho_"}, nil, 0},
		"sort size":         {RunQuery{Sort: "size"}, id(4, 3, 1, 0, 2), 5},
		"sort size desc":    {RunQuery{Sort: "size", Desc: true}, id(2, 0, 4, 3, 1), 5},
		"sort duration":     {RunQuery{Sort: "duration", Desc: true}, id(0, 2, 1, 4, 3), 5},
		"sort status":       {RunQuery{Sort: "status"}, id(1, 3, 2, 0, 4), 5},
		"sort job":          {RunQuery{Sort: "job"}, id(4, 3, 1, 2, 0), 5},
		"sort database":     {RunQuery{Sort: "database", Desc: true}, id(2, 0, 3, 1, 4), 5},
		"page":              {RunQuery{Offset: 1, Limit: 2}, id(3, 2), 5},
		"page with filters": {RunQuery{Job: "crm", Offset: 2, Limit: 2}, id(1), 3},
	} {
		got, total := run(c.q)
		if fmt.Sprint(got) != fmt.Sprint(c.want) || total != c.total {
			t.Errorf("%s: %v (total %d), want %v (total %d)", name, got, total, c.want, c.total)
		}
	}
	runs, _, err := s.QueryRuns(ctx, RunQuery{Search: "backup_3"})
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	if r := runs[0]; r.Size != 999 || r.FileCount != 1 || r.WarningCount != 2 || r.Database != "shop" || r.Status != StatusOK {
		t.Errorf("run read back as %+v", r)
	}
	for _, q := range []RunQuery{{Sort: "started; DROP TABLE runs"}, {Status: "broken"}} {
		if _, _, err := s.QueryRuns(ctx, q); !errors.Is(err, ErrBadQuery) {
			t.Errorf("%+v: %v, want ErrBadQuery", q, err)
		}
	}
}

// A history from before the runs list kept sizes and warning counts gets
// them when it is opened, and they stay right as runs are recorded.
func TestRunSumsKeptFromOldHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	old, err := sql.Open("sqlite", dsn(filepath.Join(dir, FileName)))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, old, migrations[:6]); err != nil {
		t.Fatal(err)
	}
	_, err = old.Exec(`INSERT INTO runs (id, started, finished, status) VALUES (1, ?, ?, 'ok');
		INSERT INTO run_files (run_id, pos, name, set_id, format, size, sha256, md5, dest_id, link) VALUES
			(1, 0, 'a', 's', 'csv', 40, '', '', '', ''), (1, 1, 'b', 's', 'csv', 2, '', '', '', '');
		INSERT INTO run_warnings (run_id, pos, message) VALUES (1, 0, 'w')`, formatTime(t0), formatTime(t0.Add(time.Minute)))
	old.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir)
	id := record(t, s, okOutcome(t0.Add(time.Hour)))
	runs, _, err := s.QueryRuns(ctx, RunQuery{Sort: "size"})
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs = %+v, %v", runs, err)
	}
	if r := runs[0]; r.ID != 1 || r.Size != 42 || r.WarningCount != 1 {
		t.Errorf("the old run = %+v, want size 42 and 1 warning", r)
	}
	want := okOutcome(t0).Report
	if r := runs[1]; r.ID != id || r.Size != want.Size() || r.WarningCount != len(want.Warnings) {
		t.Errorf("a new run = %+v, want size %d and %d warnings", r, want.Size(), len(want.Warnings))
	}
	if _, err := s.db.Exec(`DELETE FROM run_files WHERE run_id = 1 AND pos = 0; DELETE FROM run_warnings WHERE run_id = 1`); err != nil {
		t.Fatal(err)
	}
	if runs, _, _ := s.QueryRuns(ctx, RunQuery{Search: "", Sort: "started", Limit: 1}); runs[0].Size != 2 || runs[0].WarningCount != 0 {
		t.Errorf("after removing a file and the warning: %+v", runs[0])
	}
}
