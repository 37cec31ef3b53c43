package web

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// listed are the run ids of a runs page, in the order shown.
func listed(t *testing.T, page string) []string {
	t.Helper()
	var ids []string
	for _, m := range regexp.MustCompile(`<td[^>]*><a href="/runs/(\d+)">`).FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestTheRunsListPagesFiltersSortsAndSearches(t *testing.T) {
	ts := newTestServer(t, Options{})
	runs := manyRuns(120, ts.now())
	ids := record(t, ts.store, runs...)
	// The form's days are the server's (time.Local); count the runs of
	// failed ones from 31 May on, and of every run on 30 May, likewise.
	var failedSince31, on30 []int
	for i, p := range runs {
		day := p.started.In(time.Local).Format(time.DateOnly)
		if p.failAt != "" && day >= "2025-05-31" {
			failedSince31 = append(failedSince31, i)
		}
		if day == "2025-05-30" {
			on30 = append(on30, i)
		}
	}
	bob := ts.signedIn(t, "bob")
	id := func(i int) string { return strconv.FormatInt(ids[i], 10) }

	page := body(t, ts.get(t, bob, "/runs"))
	got := listed(t, page)
	if len(got) != runsPerPage || got[0] != id(119) || got[49] != id(70) {
		t.Fatalf("page 1: %d runs, from %v; want the newest 50, run %s first", len(got), got, id(119))
	}
	if !strings.Contains(page, "Runs 1–50 of 120") || !strings.Contains(page, "Page 1 of 3") {
		t.Errorf("page 1 does not say where it is:\n%s", page)
	}
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(page)
	if next == nil {
		t.Fatal("no link to the next page")
	}
	page = body(t, ts.get(t, bob, strings.ReplaceAll(next[1], "&amp;", "&")))
	if got := listed(t, page); len(got) != 50 || got[0] != id(69) {
		t.Errorf("page 2 begins with %v", got)
	}
	if got := listed(t, body(t, ts.get(t, bob, "/runs?page=3"))); len(got) != 20 || got[19] != id(0) {
		t.Errorf("page 3: %v; want the oldest 20", got)
	}

	for _, tt := range []struct {
		query string
		want  []int // indexes into ids, in order
		n     int   // or how many, when want is nil
	}{
		{query: "status=failed&job=crm", want: []int{119, 109, 99, 89, 79, 69, 59, 49, 39, 29, 19, 9}},
		{query: "status=failed&sort=started&dir=asc&from=2025-05-31", want: failedSince31},
		{query: "status=failed&job=default", want: []int{}},
		{query: "job=default&q=db1", n: 20},
		{query: "q=refused", n: 12},
		{query: "from=2025-05-30&to=2025-05-30", n: len(on30)},
		{query: "sort=duration&dir=desc&status=ok&job=default", n: 50},
	} {
		got := listed(t, body(t, ts.get(t, bob, "/runs?"+tt.query)))
		if tt.want != nil {
			var want []string
			for _, i := range tt.want {
				want = append(want, id(i))
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: %v, want %v", tt.query, got, want)
			}
		} else if len(got) != tt.n {
			t.Errorf("%s: %d runs, want %d", tt.query, len(got), tt.n)
		}
	}
	page = body(t, ts.get(t, bob, "/runs?sort=duration"))
	if !strings.Contains(page, `aria-sort="descending"><a href="/runs?dir=asc&amp;sort=duration">Duration`) {
		t.Errorf("the duration column does not say it sorts, nor link to the other direction:\n%s", page)
	}

	for _, bad := range []string{"from=yesterday", "sort=colour", "status=great", "page=0"} {
		res := ts.get(t, bob, "/runs?"+bad)
		if page := body(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "What to do") {
			t.Errorf("%s: %d, want 400 with what to do:\n%s", bad, res.StatusCode, page)
		}
	}
}

func TestTheRunsCSVIsTheFilteredListWhole(t *testing.T) {
	ts := newTestServer(t, Options{})
	runs := manyRuns(1200, ts.now())
	runs[4].database = "=HYPERLINK(\"http://evil\")"
	record(t, ts.store, runs...)
	bob := ts.signedIn(t, "bob")

	res := ts.get(t, bob, "/runs.csv?job=default")
	rows, err := csv.NewReader(strings.NewReader(body(t, res))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("%d %v", res.StatusCode, res.Header)
	}
	if len(rows) != 601 || rows[0][0] != "run" || rows[1][1] != "default" {
		t.Fatalf("%d rows, want a header and the 600 runs of default (more than one batch); first %v", len(rows), rows[:2])
	}
	formula := false
	for _, r := range rows[1:] {
		if r[1] != "default" {
			t.Fatalf("a run of %s in the export of default's", r[1])
		}
		if strings.Contains(r[6], "HYPERLINK") {
			formula = true
			if !strings.HasPrefix(r[6], "'=") {
				t.Errorf("a database named like a formula is exported as one: %q", r[6])
			}
		}
	}
	if !formula {
		t.Error("the run with a formula for a database is not exported")
	}
	failed, _ := csv.NewReader(strings.NewReader(body(t, ts.get(t, bob, "/runs.csv?status=failed&q=refused")))).ReadAll()
	if len(failed) != 121 || failed[1][4] != "failed" || failed[1][5] != string(dbbackup.StageConnect) {
		t.Errorf("failed runs: %d rows; first %v", len(failed), failed[1])
	}
	if res := ts.get(t, bob, "/runs.csv?sort=colour"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad sort: %d, want 400", res.StatusCode)
	}
}
