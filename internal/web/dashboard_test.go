package web

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/state"
)

// nextRuns is a scheduler that runs each job at a fixed time.
type nextRuns map[string]time.Time

func (n nextRuns) Next(job string) (time.Time, bool) { t, ok := n[job]; return t, ok }

// stripOf is the dashboard's strip of days of job, one status per day,
// oldest first.
func stripOf(t *testing.T, page, job string) []string {
	t.Helper()
	card := page[strings.Index(page, `id="job-`+job+`"`):]
	if end := strings.Index(card, "</article>"); end > 0 {
		card = card[:end]
	}
	var out []string
	for _, m := range regexp.MustCompile(`class="day day-(\w+)" title="([^"]+)"`).FindAllStringSubmatch(card, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestTheDashboardSaysWhetherEachJobsDataIsSafe(t *testing.T) {
	ts := newTestServer(t, Options{})
	now := ts.now()
	day := 24 * time.Hour
	// default: backed up every night at 02:00 (the job's time zone is the
	// machine's) for a week before today, but the run of two nights ago
	// failed and last night's warned.
	local := now.In(time.Local)
	tonight := time.Date(local.Year(), local.Month(), local.Day(), 2, 0, 0, 0, time.Local)
	var runs []pastRun
	for i := 7; i >= 1; i-- {
		runs = append(runs, pastRun{job: "default", started: tonight.AddDate(0, 0, -i), took: time.Minute,
			database: "shop", tables: map[string]int64{"public.orders": 10}})
	}
	runs[5].failAt = dbbackup.StageConnect
	runs[6].warnings = []string{"table public.orders has no primary key"}
	record(t, ts.store, runs...)
	ts.s.schedule = nextRuns{"default": now.Add(16 * time.Hour)}
	bob := ts.signedIn(t, "bob")

	page := body(t, ts.get(t, bob, "/"))
	good := runs[6]
	for _, want := range []string{
		`set ` + dbbackup.SetIDAt("default", good.started, 1), `<span class="ok">(` + ago(now.Sub(runs[6].started)) + `)</span>`,
		`: <span class="warning">ok, 1 warning</span>`, "2025-06-02 02:00 UTC", "(schedule <code>0 2 * * *</code>)",
		"The last 30 days: 5 days ok, 1 with warnings, 1 with a failure, 23 without a backup.",
		"Last verified set</dt>\n<dd>none recorded",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	cells := stripOf(t, page, "default")
	if len(cells) != stripDays || strings.Join(cells[22:], ",") != "ok,ok,ok,ok,ok,failed,warning,none" {
		t.Errorf("strip %v; want 30 days ending in 5 ok, a failure, a warning and today without a run", cells)
	}
	if strings.Contains(page, "Run default now") {
		t.Error("a viewer is offered Run now")
	}

	// Three days on, nothing more ran: older than two periods, red.
	ts.advance(3 * day)
	ts.s.o.Store.RecordVerification(context.Background(), state.Verification{At: ts.now(), Job: "default", SetID: "default_20250531_020000", OK: true, By: "alice"})
	page = body(t, ts.get(t, ts.signedIn(t, "alice"), "/"))
	for _, want := range []string{`<span class="failed">(` + ago(ts.now().Sub(runs[6].started)) + `)</span>`, "Older than two runs of its schedule (0 2 * * *, every 1 day or so)",
		"default_20250531_020000: every file matches its manifest, " + ts.now().Local().Format("2006-01-02 15:04 MST") + " by alice", "Run default now"} {
		if !strings.Contains(page, want) {
			t.Errorf("three days on, the dashboard lacks %q", want)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Log(page)
	}
}

func TestTheDashboardOfAJobNeverBackedUpSaysSoFirst(t *testing.T) {
	ts := newTestServer(t, Options{})
	page := body(t, ts.get(t, ts.signedIn(t, "bob"), "/"))
	if want := "<dt>Last good backup</dt>\n<dd><strong class=\"failed\">No good backup of this job yet.</strong></dd>"; !strings.Contains(page, want) {
		t.Errorf("the dashboard of a job never backed up lacks %q:\n%s", want, page)
	}
}

func TestTheDashboardChecksDriveOnceInAWhileAndNamesTheTestingTrap(t *testing.T) {
	fake, srv := googlefake.NewTestServer(t)
	dir := t.TempDir()
	token := filepath.Join(dir, "token.json")
	os.WriteFile(token, fake.AuthorizedUserJSON(srv.URL), 0o600)
	folder := fake.AddFolder("Backups").ID
	fake.SetStorageQuota(15<<30, 3<<30)
	fake.SetUser(googlefake.User{EmailAddress: "owner@example.com", DisplayName: "Owner"})
	env := filepath.Join(dir, ".env")
	os.WriteFile(env, []byte("STATE_DIR="+t.TempDir()+"\nBACKUP_DIR="+t.TempDir()+"\nGOOGLE_TOKEN_FILE="+token+
		"\nDRIVE_BACKUP_FOLDER_ID="+folder+"\nGOOGLE_API_ENDPOINT="+srv.URL+"/\nEMAIL_TO=\n"), 0o600)
	ts := newTestServer(t, Options{App: &app.App{EnvFile: env, Explicit: true}})
	bob := ts.signedIn(t, "bob")

	page := body(t, ts.get(t, bob, "/"))
	if !strings.Contains(page, `hx-get="/jobs/default/drive" hx-trigger="load"`) {
		t.Fatalf("the dashboard does not load its Drive panel after itself:\n%s", page)
	}
	panel := body(t, ts.get(t, bob, "/jobs/default/drive"))
	for _, want := range []string{"Token healthy", "owner@example.com", "Storage: 3.0 GiB of 15.0 GiB used (20%)", `<meter `, `value="20"`} {
		if !strings.Contains(panel, want) {
			t.Errorf("the Drive panel lacks %q:\n%s", want, panel)
		}
	}
	calls := len(fake.Requests())
	// Within the while, the page shows the check it has, asking Google nothing.
	page = body(t, ts.get(t, bob, "/"))
	if !strings.Contains(page, "Token healthy") || len(fake.Requests()) != calls {
		t.Errorf("the second dashboard asked Google again (%d calls, then %d) or showed no check", calls, len(fake.Requests()))
	}

	fake.RevokeRefreshToken(googlefake.DefaultRefreshToken)
	ts.advance(driveTTL)
	panel = body(t, ts.get(t, bob, "/jobs/default/drive"))
	for _, want := range []string{"invalid_grant", `7-day "Testing" trap`, "Publish app"} {
		if !strings.Contains(panel, want) {
			t.Errorf("a refused token: the panel lacks %q:\n%s", want, panel)
		}
	}
}
