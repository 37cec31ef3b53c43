package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

func TestARunsPageShowsWhatTheRunRecorded(t *testing.T) {
	ts := newTestServer(t, Options{})
	ctx := context.Background()
	start := ts.now().Add(-48 * time.Hour)
	ids := record(t, ts.store,
		pastRun{job: "default", started: start, took: time.Minute, database: "shop",
			tables: map[string]int64{"public.orders": 1000, "public.coupon": 40, "public.gone": 5}},
		pastRun{job: "default", started: start.Add(24 * time.Hour), failAt: dbbackup.StageConnect, database: "shop"})
	// The run shown: a day after, with a table named to attack the page,
	// Drive links, warnings, retention and a report whose HTML has a script.
	set := dbbackup.SetIDAt("default", start.Add(47*time.Hour), 1)
	o := pastRun{job: "default", started: start.Add(47 * time.Hour), took: 95 * time.Second, database: "shop",
		tables:   map[string]int64{"public.orders": 1100, "public.coupon": 12, "public.<script>alert(1)</script>": 3},
		warnings: []string{"table <b>coupon</b> has no primary key"}}.outcome()
	o.Report.Files[0].Link = "https://drive.google.com/file/d/1AbC/view"
	old := dbbackup.Set{ID: "default_20250101_020000", Time: time.Date(2025, 1, 1, 2, 0, 0, 0, time.UTC), Complete: true}
	o.Retention = &dbbackup.RetentionResult{Decisions: []dbbackup.Decision{
		{Set: dbbackup.Set{ID: set, Complete: true}, Reason: "newest"},
		{Set: old, Remove: true, Reason: "older than 30 days"}}, Removed: []dbbackup.Set{old}}
	id, err := ts.store.Begin(ctx, "default", o.Report.Started)
	if err == nil {
		err = ts.store.Finish(ctx, id, o)
	}
	if err == nil {
		err = ts.store.SetReport(ctx, id, "Backup OK", "Backup OK\nplain text of the email",
			`<p>Backup OK</p><script>alert("email")</script>`, dbbackup.ReportStep(dbbackup.StepOK, "sent to ops@example.com"))
	}
	if err == nil {
		err = ts.store.AddRunLog(ctx, id, []state.LogLine{{Time: o.Report.Started, Level: "INFO", Message: "backup started formats=csv"}})
	}
	if err != nil {
		t.Fatal(err)
	}
	bob := ts.signedIn(t, "bob")
	res := ts.get(t, bob, "/runs/"+strconv.FormatInt(id, 10))
	page := body(t, res)
	if res.StatusCode != 200 {
		t.Fatalf("%d\n%s", res.StatusCode, page)
	}
	for _, want := range []string{
		"Run " + strconv.FormatInt(id, 10) + " of default", ">ok<", "Set " + set + " of database shop is stored and verified",
		// Every table with its rows and its change since the previous good
		// run (the failed one between says nothing of the tables).
		"<code>public.orders</code></td><td data-label=\"Rows\" class=\"num\">1,100</td><td data-label=\"Change\" class=\"num\">&#43;100 (&#43;10.0%)",
		"<code>public.coupon</code></td><td data-label=\"Rows\" class=\"num\">12</td><td data-label=\"Change\" class=\"num failed\">-28 (-70.0%) (lost more than half)",
		"<code>public.&lt;script&gt;alert(1)&lt;/script&gt;</code></td><td data-label=\"Rows\" class=\"num\">3</td><td data-label=\"Change\" class=\"num\">new",
		"not in this one: <code>public.gone</code>",
		`href="/runs/` + strconv.FormatInt(ids[0], 10) + `">run`,
		// The steps as every view shows them.
		`<th scope="row">Export</th>`, `<th scope="row">Retention</th>`, `<th scope="row">Report</th>`, "sent to ops@example.com",
		// Files: the server's download and the file in Drive.
		`href="/backups/default/` + set + `/` + set + `.csv.zip" download`, `href="https://drive.google.com/file/d/1AbC/view"`,
		"table &lt;b&gt;coupon&lt;/b&gt; has no primary key",
		// Retention with its reasons.
		"default_20250101_020000", ">deleted<", "older than 30 days", ">kept<", "newest",
		// The email, its HTML in a sandbox that runs nothing, and as text.
		`<iframe class="email" sandbox="" `, `srcdoc="&lt;p&gt;Backup OK&lt;/p&gt;&lt;script&gt;`, "plain text of the email",
		"backup started formats=csv",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "<b>coupon") {
		t.Errorf("a name or the email reached the page as markup:\n%s", page)
	}
	if t.Failed() || testing.Verbose() {
		t.Log(page)
	}

	failed := body(t, ts.get(t, bob, "/runs/"+strconv.FormatInt(ids[1], 10)))
	for _, want := range []string{"failed at connect", "nothing of it was kept", "connection refused", "What to do: ", "No file was kept"} {
		if !strings.Contains(failed, want) {
			t.Errorf("the failed run's page lacks %q", want)
		}
	}
	if regexp.MustCompile(`download>Download`).MatchString(failed) {
		t.Error("a failed run offers a download")
	}
	for _, path := range []string{"/runs/999", "/runs/abc", "/runs/-1"} {
		if res := ts.get(t, bob, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
}
