package web

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

// pastRun is a run to put in a history, as a run would record it.
type pastRun struct {
	job      string
	started  time.Time
	took     time.Duration
	database string
	tables   map[string]int64 // "schema.name" → rows
	failAt   dbbackup.Stage   // "" for a run that succeeded
	warnings []string
}

// outcome is the run as dbbackup.Job would report it.
func (p pastRun) outcome() *dbbackup.Outcome {
	set := dbbackup.SetIDAt(p.job, p.started, 1)
	o := &dbbackup.Outcome{Job: p.job, Database: p.database, Destination: "folder /srv/backup",
		Report: &dbbackup.Report{Started: p.started, Finished: p.started.Add(p.took), Warnings: p.warnings,
			Snapshot: dbbackup.SnapshotInfo{Database: p.database}}}
	for name, rows := range p.tables {
		schema, table := "public", name
		for i := range name {
			if name[i] == '.' {
				schema, table = name[:i], name[i+1:]
				break
			}
		}
		o.Report.Tables = append(o.Report.Tables, dbbackup.TableCount{Schema: schema, Name: table, Rows: rows})
	}
	if p.failAt != "" {
		o.Err, o.Stage = dbbackup.AtStage(p.failAt, errors.New("connection refused")), p.failAt
		return o
	}
	o.Report.SetID = set
	o.Report.Files = []dbbackup.File{
		{Name: set + ".csv.zip", SetID: set, Format: dbbackup.FormatCSV, Size: 1000 + int64(p.took/time.Second), SHA256: "c5v"},
		{Name: set + ".manifest.json", SetID: set, Format: dbbackup.FormatManifest, Size: 200, SHA256: "ma1"},
	}
	return o
}

// record puts runs in the history of store and returns their ids.
func record(t testing.TB, store *state.Store, runs ...pastRun) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, p := range runs {
		id, err := store.Begin(ctx, p.job, p.started)
		if err == nil {
			err = store.Finish(ctx, id, p.outcome())
		}
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// manyRuns are n runs of jobs default and crm, one an hour before end
// going back, every tenth failed.
func manyRuns(n int, end time.Time) []pastRun {
	runs := make([]pastRun, n)
	for i := range runs {
		p := pastRun{job: []string{"default", "crm"}[i%2], started: end.Add(-time.Duration(n-i) * time.Hour),
			took: time.Duration(i%300) * time.Second, database: fmt.Sprintf("db%d", i%3),
			tables: map[string]int64{"public.orders": int64(i)}}
		if i%10 == 9 {
			p.failAt = dbbackup.StageConnect
		}
		runs[i] = p
	}
	return runs
}
