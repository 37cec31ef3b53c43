package web

import (
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// withManager gives the installation's server a Manager that runs its
// jobs, and returns it.
func (in *installation) withManager(t *testing.T) *app.Manager {
	t.Helper()
	m := app.NewManager(in.app, slog.New(slog.DiscardHandler))
	in.ts.s.o.Manager = m
	t.Cleanup(func() { m.Shutdown(context.Background(), 0) })
	return m
}

// wait waits for the run of job going on to end.
func wait(t *testing.T, m *app.Manager, job string) app.Live {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	l, ok, err := m.Wait(ctx, job)
	if err != nil || !ok {
		t.Fatalf("wait for the run of %s: %v (ran: %v)", job, err, ok)
	}
	return l
}

const tablesSQL = `CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 4321) g;
CREATE TABLE "<script>alert(1)</script>" (id int PRIMARY KEY); INSERT INTO "<script>alert(1)</script>" VALUES (1), (2);`

func TestRunNowRunsTheJobAndItsPageShowsWhatItDid(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, tablesSQL)})
	m := in.withManager(t)
	ts := in.server(t)
	bob, alice := ts.signedIn(t, "bob"), ts.signedIn(t, "alice")

	for _, path := range []string{"/jobs/default/run", "/jobs/default/cancel"} {
		if res := ts.postForm(t, bob, path, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer's POST %s: %d, want 403", path, res.StatusCode)
		}
	}
	if _, ran := m.Live("default"); ran {
		t.Fatal("a viewer started a run")
	}

	res := ts.postForm(t, alice, "/jobs/default/run", nil)
	body(t, res)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/jobs/default/live" {
		t.Fatalf("Run now: %d to %q, want 303 to the run's progress", res.StatusCode, res.Header.Get("Location"))
	}
	l := wait(t, m, "default")
	if l.Status != state.StatusOK {
		t.Fatalf("the run ended %s: %s", l.Status, l.Err)
	}
	if !ts.audited(t, "alice", "run", "job default") {
		t.Errorf("Run now is not in the audit log: %v", ts.auditLog(t))
	}

	// The progress, once the run is over, polls no more and leads to the run.
	progress := body(t, ts.get(t, bob, "/jobs/default/progress"))
	runHref := regexp.MustCompile(`href="(/runs/\d+)">Open the run`).FindStringSubmatch(progress)
	if strings.Contains(progress, "hx-trigger") || runHref == nil || !strings.Contains(progress, ">ok<") ||
		!strings.Contains(progress, `<th scope="row">csv</th><td data-label="Tables done">2</td><td data-label="Rows">4,323</td>`) {
		t.Fatalf("the progress of a finished run:\n%s", progress)
	}
	if strings.Contains(progress, "Cancel") {
		t.Error("a viewer is offered Cancel")
	}

	page := body(t, ts.get(t, bob, runHref[1]))
	for _, want := range []string{`<code>public.orders</code></td><td data-label="Rows" class="num">4,321</td>`,
		`<code>public.&lt;script&gt;alert(1)&lt;/script&gt;</code></td><td data-label="Rows" class="num">2</td>`,
		`.csv.zip" download>Download</a>`, `.dump" download>Download</a>`, `<th scope="row">Export</th>`, "backup started"} {
		if !strings.Contains(page, want) {
			t.Errorf("the run's page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("a table's name reached the page as markup")
	}
	if t.Failed() {
		t.Log(page)
	}
	if list := body(t, ts.get(t, bob, "/runs")); !strings.Contains(list, `href="`+runHref[1]+`"`) {
		t.Errorf("the list of runs does not link to the run")
	}
}

func TestARunGoingOnIsShownNotStartedTwiceAndCancels(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t,
		`CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 300000) g;`), "BACKUP_FORMATS": "csv,json,dump"})
	m := in.withManager(t)
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")

	body(t, ts.postForm(t, alice, "/jobs/default/run", nil))
	res := ts.postForm(t, alice, "/jobs/default/run", nil)
	body(t, res)
	if loc := res.Header.Get("Location"); loc != "/jobs/default/live?already=1" {
		t.Fatalf("a second Run now while the first goes on: sent to %q", loc)
	}
	page := body(t, ts.get(t, alice, "/jobs/default/live?already=1"))
	for _, want := range []string{"was going on already", `hx-get="/jobs/default/progress" hx-trigger="every 1s"`, `action="/jobs/default/cancel"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the progress page lacks %q:\n%s", want, page)
		}
	}
	// Cancelled once it exports, as a person watching its progress would.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if l, _ := m.Live("default"); l.Table != "" || l.Done || time.Now().After(deadline) {
			break
		}
	}
	progress := body(t, ts.get(t, alice, "/jobs/default/progress"))
	if !regexp.MustCompile(`running</span>, \w+, started by alice: (reading|exporting) table public.big (for|to) (csv|json)`).MatchString(progress) {
		t.Errorf("the progress while it exports:\n%s", progress)
	}
	res = ts.postForm(t, alice, "/jobs/default/cancel", nil)
	body(t, res)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("Cancel: %d", res.StatusCode)
	}
	if l := wait(t, m, "default"); l.Status != state.StatusInterrupted {
		t.Errorf("the cancelled run ended %s", l.Status)
	}
	progress = body(t, ts.get(t, alice, "/jobs/default/progress"))
	if !strings.Contains(progress, `<span class="warning">cancelled by alice</span>`) || !strings.Contains(progress, "nothing of this run was kept") ||
		strings.Contains(progress, "context canceled") {
		t.Errorf("the progress of the cancelled run:\n%s", progress)
	}
	if !ts.audited(t, "alice", "cancel", "job default") {
		t.Errorf("Cancel is not in the audit log: %v", ts.auditLog(t))
	}
	runs, total, err := ts.store.QueryRuns(context.Background(), state.RunQuery{})
	if err != nil || total != 1 || runs[0].Status != state.StatusInterrupted {
		t.Errorf("history: %d runs %+v, %v; want the one run, interrupted", total, runs, err)
	}
	if res := ts.postForm(t, alice, "/jobs/nojob/run", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("Run now of a job that does not exist: %d, want 404", res.StatusCode)
	}
}
