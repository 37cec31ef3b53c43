package state

import (
	"cmp"
	"context"
	"fmt"
	"testing"
	"time"
)

// benchRuns is a history of 10,000 runs of three jobs, one every 30
// minutes, a tenth failed, each with three files and some with warnings.
func benchRuns(b *testing.B) *Store {
	b.Helper()
	s := openStore(b, b.TempDir())
	jobs := []string{"", "crm", "shop"}
	statuses := []string{"ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "failed"}
	runs := make([]fakeRun, 10_000)
	for i := range runs {
		r := fakeRun{job: jobs[i%3], status: statuses[i%10], database: fmt.Sprintf("db%d", i%7),
			setID: fmt.Sprintf("set_%05d", i), started: t0.Add(time.Duration(i) * 30 * time.Minute),
			took: time.Duration(i%600) * time.Second, sizes: []int64{int64(i), 3 * int64(i), 100}, warnings: i % 4 / 3}
		if r.status == "failed" {
			r.err, r.sizes = "connection refused", nil
		}
		runs[i] = r
	}
	putRuns(b, s, runs)
	return s
}

// BenchmarkQueryRuns: one page of 50 of the web's runs list over 10,000
// runs, for each way the list is sorted and a few filters.
func BenchmarkQueryRuns(b *testing.B) {
	s := benchRuns(b)
	ctx := context.Background()
	mid := t0.Add(2500 * time.Hour)
	for _, q := range []RunQuery{
		{},
		{Offset: 9_000},
		{Sort: "status"}, {Sort: "job"}, {Sort: "database"}, {Sort: "size", Desc: true}, {Sort: "duration", Desc: true},
		{Job: "crm"}, {Status: "failed"}, {Status: "warning"}, {Job: "crm", Status: "failed", Sort: "size"},
		{From: mid, To: mid.Add(7 * 24 * time.Hour)},
		{Search: "set_0999"}, {Search: "refused", Sort: "duration"},
	} {
		q.Limit = 50
		b.Run(benchName(q), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := s.QueryRuns(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchName names a query by the fields it sets.
func benchName(q RunQuery) string {
	name := "sort=" + cmp.Or(q.Sort, "newest")
	for _, f := range [][2]string{{"job", q.Job}, {"status", q.Status}, {"search", q.Search}} {
		if f[1] != "" {
			name += "," + f[0] + "=" + f[1]
		}
	}
	if q.Desc {
		name += ",desc"
	}
	if !q.From.IsZero() {
		name += ",week"
	}
	if q.Offset > 0 {
		name += fmt.Sprintf(",offset=%d", q.Offset)
	}
	return name
}
