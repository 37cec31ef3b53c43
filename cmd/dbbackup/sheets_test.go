package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/googlefake"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// sheetsEnv is a fake Google with one spreadsheet the token's account
// may edit, and the settings that point the program at it and at db.
func sheetsEnv(t *testing.T, db string) (*google, string) {
	t.Helper()
	g := newGoogle(t, db)
	delete(g.env, "DRIVE_BACKUP_FOLDER_ID") // syncs need no backup folder
	g.env["STATE_DIR"] = t.TempDir()        // one history for every command of the test
	return g, g.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Title: "Reports"})
}

// rows is how many data rows the tab holds below its header.
func (g *google) rows(t *testing.T, id, tab string) int {
	t.Helper()
	v, ok := g.fake.Values(id, tab)
	if !ok {
		t.Fatalf("spreadsheet %s has no tab %q", id, tab)
	}
	return len(v) - 1
}

func countRows(t *testing.T, db, query string) int {
	t.Helper()
	var n int
	if err := connect(t, db).QueryRow(context.Background(), "SELECT count(*) FROM ("+query+") q").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSheetsJobsAreAddedEditedListedAndRemoved(t *testing.T) {
	g, id := sheetsEnv(t, pgtest.NewDatabase(t, ordersSQL))
	env := g.with("SHEETS_SPREADSHEET_ID", id, "SHEETS_TABLES", "public.orders")

	add := runCLI(t, env, "sheets", "add", "big", "--spreadsheet", id, "--table", "public.orders", "--sheet", "Big orders",
		"--mode", "append", "--key", "id", "--schedule", "0 6 * * *")
	if add.code != 0 || !strings.Contains(add.stdout, "Added sync job big.") {
		t.Fatalf("add: exit %d\n%s%s", add.code, add.stdout, add.stderr)
	}
	tests := []struct {
		args []string
		says []string // every problem at once, each naming its setting
	}{
		{[]string{"add", "big", "--spreadsheet", id, "--table", "public.orders", "--sheet", "x"}, []string{"NAME: a sync job big exists already"}},
		{[]string{"add", "bad", "--spreadsheet", id, "--table", "orders", "--mode", "append"},
			[]string{`SHEETS_TABLE: "orders" is not schema-qualified`, "SHEETS_KEY: append needs a key column"}},
		{[]string{"add", "other", "--spreadsheet", id, "--table", "public.orders", "--job", "crm"}, []string{`SHEETS_JOB: there is no backup job "crm"`,
			`SHEETS_SHEET: sync job default writes the tab "orders" of this spreadsheet already`}},
		{[]string{"add", "twice", "--spreadsheet", id, "--query", "SELECT 1", "--sheet", "BIG ORDERS"}, []string{`sync job big writes the tab "BIG ORDERS"`}},
		{[]string{"add", "Bad Name", "--spreadsheet", "https://docs.google.com/spreadsheets/d/" + id + "/edit", "--table", "public.orders"},
			[]string{`NAME: "Bad Name" is not a sync job name`, "SHEETS_SPREADSHEET_ID: is an address, not an id"}},
		{[]string{"edit", "nosuch", "--mode", "replace"}, []string{`there is no sync job "nosuch"`}},
		{[]string{"edit", "big"}, []string{"no setting to change"}},
		{[]string{"remove", "default"}, []string{"default is the sync job of the .env file"}},
	}
	for _, tt := range tests {
		res := runCLI(t, env, append([]string{"sheets"}, tt.args...)...)
		if res.code != exitConfig {
			t.Errorf("%v: exit %d, want %d\n%s", tt.args, res.code, exitConfig, res.stderr)
		}
		for _, want := range tt.says {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", tt.args, want, res.stderr)
			}
		}
	}

	edit := runCLI(t, env, "sheets", "edit", "big", "--query", "SELECT id, total FROM orders WHERE total > 10 ORDER BY id", "--mode", "replace", "--key", "")
	if edit.code != 0 {
		t.Fatalf("edit: exit %d\n%s", edit.code, edit.stderr)
	}
	list := runCLI(t, env, "sheets", "list", "--json")
	var jobs []syncJobJSON
	if err := json.Unmarshal([]byte(list.stdout), &jobs); list.code != 0 || err != nil {
		t.Fatalf("list: exit %d, %v\n%s%s", list.code, err, list.stdout, list.stderr)
	}
	if len(jobs) != 2 || jobs[0].Name != "default" || jobs[0].Source != "env" || jobs[1].Name != "big" || jobs[1].Source != "stored" {
		t.Fatalf("list: %+v", jobs)
	}
	big := jobs[1]
	if big.Job != "default" || big.Mode != "replace" || big.Key != "" || big.Schedule != "0 6 * * *" || len(big.Tabs) != 1 ||
		big.Tabs[0].Table != "" || !strings.HasPrefix(big.Tabs[0].Query, "SELECT id") || big.Tabs[0].Sheet != "Big orders" {
		t.Errorf("the edited job: %+v", big)
	}
	text := runCLI(t, env, "sheets", "list")
	if !strings.Contains(text.stdout, "query: SELECT id, total FROM orders") || !strings.Contains(text.stdout, "0 6 * * *") {
		t.Errorf("list:\n%s", text.stdout)
	}

	if rm := runCLI(t, env, "sheets", "remove", "big"); rm.code != 0 {
		t.Fatalf("remove: exit %d\n%s", rm.code, rm.stderr)
	}
	if again := runCLI(t, env, "sheets", "remove", "big"); again.code != exitConfig || !strings.Contains(again.stderr, `there is no sync job "big"`) {
		t.Errorf("remove twice: exit %d\n%s", again.code, again.stderr)
	}
}

// TestSheetsSyncOfTablesAndAQuery: the .env's job writes each table to a
// tab of its name, a stored job writes a query's rows; --all runs both,
// each recorded in the history.
func TestSheetsSyncOfTablesAndAQuery(t *testing.T) {
	db := pgtest.NewDatabase(t, pgtest.Chinook(t))
	g, id := sheetsEnv(t, db)
	env := g.with("SHEETS_SPREADSHEET_ID", id, "SHEETS_TABLES", "public.artist,public.genre")
	query := "SELECT billing_country, count(*) AS invoices, sum(total) AS total FROM invoice GROUP BY billing_country ORDER BY 1"
	if add := runCLI(t, env, "sheets", "add", "countries", "--spreadsheet", id, "--query", query, "--sheet", "By country"); add.code != 0 {
		t.Fatalf("add: exit %d\n%s", add.code, add.stderr)
	}
	res := runCLI(t, env, "sheets", "sync", "--all")
	if res.code != 0 {
		t.Fatalf("sync --all: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
	for tab, want := range map[string]int{"artist": 275, "genre": 25, "By country": countRows(t, db, query)} {
		if got := g.rows(t, id, tab); got != want {
			t.Errorf("tab %s holds %d rows, want %d", tab, got, want)
		}
	}
	var dbName string
	if err := connect(t, db).QueryRow(context.Background(), "SELECT current_database()").Scan(&dbName); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"== sync job default ==", "Sheets sync default OK", "300 rows from " + dbName, "Tab artist from public.artist: 275 rows written (replace), 275 in the tab",
		"https://docs.google.com/spreadsheets/d/" + id + "/edit#gid=", "== sync job countries ==", "All 2 sync jobs synced."} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("the summary lacks %q:\n%s", want, res.stdout)
		}
	}

	hist := runCLI(t, env, "history", "--json")
	var runs []runJSON
	if err := json.Unmarshal([]byte(hist.stdout), &runs); err != nil || len(runs) != 2 {
		t.Fatalf("history: %v\n%s", err, hist.stdout)
	}
	if r := runs[1]; r.Kind != "sheets" || r.Job != "default" || r.Status != "ok" || r.Rows != 300 || r.Tabs != "artist, genre" || r.Database != dbName {
		t.Errorf("the sync's record: %+v", r)
	}
	text := runCLI(t, env, "history")
	if !strings.Contains(text.stdout, "sheets:countries") || !strings.Contains(text.stdout, "By country") {
		t.Errorf("history:\n%s", text.stdout)
	}
}

// TestSheetsAppendAddsOnlyNewRows: the second sync of an append job adds
// the rows inserted since, and the history keeps the last key.
func TestSheetsAppendAddsOnlyNewRows(t *testing.T) {
	db := pgtest.NewDatabase(t, ordersSQL)
	g, id := sheetsEnv(t, db)
	env := g.with("SHEETS_SPREADSHEET_ID", id, "SHEETS_TABLES", "public.orders", "SHEETS_MODE", "append", "SHEETS_KEY", "id")
	first := runCLI(t, env, "sheets", "sync")
	n := countRows(t, db, "SELECT * FROM orders")
	if first.code != 0 || g.rows(t, id, "orders") != n {
		t.Fatalf("first sync: exit %d, %d rows of %d\n%s%s", first.code, g.rows(t, id, "orders"), n, first.stdout, first.stderr)
	}
	if _, err := connect(t, db).Exec(context.Background(), `INSERT INTO orders (id, total) SELECT max(id) + 1, 7 FROM orders;
		INSERT INTO orders (id, total) SELECT max(id) + 1, 8 FROM orders`); err != nil {
		t.Fatal(err)
	}
	second := runCLI(t, env, "sheets", "sync", "default")
	if second.code != 0 || !strings.Contains(second.stdout, "2 rows written (append), "+strconv.Itoa(n+2)+" in the tab") || g.rows(t, id, "orders") != n+2 {
		t.Fatalf("second sync: exit %d, %d rows\n%s%s", second.code, g.rows(t, id, "orders"), second.stdout, second.stderr)
	}
	s, err := state.Open(env["STATE_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	key, ok, err := s.LastSyncKey(context.Background(), "default", state.SyncTarget{Spreadsheet: id, Sheet: "orders", Source: "public.orders", Key: "id"})
	if err != nil || !ok || key != strconv.Itoa(n+2) {
		t.Errorf("last key kept: %q %v %v", key, ok, err)
	}
}

// TestSheetsSyncFailuresSayWhatToDo: a token without a Sheets scope, a
// spreadsheet the account may only view, and a sync whose lock is held
// each fail with their own message, hint and exit code, and are recorded.
func TestSheetsSyncFailuresSayWhatToDo(t *testing.T) {
	db := pgtest.NewDatabase(t, ordersSQL)
	g, id := sheetsEnv(t, db)
	readOnly := g.fake.AddSpreadsheet(googlefake.SpreadsheetSpec{Title: "Theirs", ReadOnly: true})
	narrow := filepath.Join(t.TempDir(), "token.json")
	g.fake.AddRefreshToken(googlefake.DefaultClientID, "1//read-only", googlefake.ScopeDriveReadonly)
	tok := strings.Replace(string(g.fake.AuthorizedUserJSON(g.env["GOOGLE_API_ENDPOINT"])), googlefake.DefaultRefreshToken, "1//read-only", 1)
	if err := os.WriteFile(narrow, []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}
	stateDir := t.TempDir()
	base := g.with("STATE_DIR", stateDir, "SHEETS_TABLES", "public.orders")
	tests := []struct {
		name string
		env  map[string]string
		code int
		says []string
	}{
		{"token without a Sheets scope", withEnv(base, "SHEETS_SPREADSHEET_ID", id, "GOOGLE_TOKEN_FILE", narrow), exitFailed,
			[]string{"may not write to Google Sheets: it was authorized without a scope that allows it", "Try: run `dbbackup token` again"}},
		{"spreadsheet the account may only view", withEnv(base, "SHEETS_SPREADSHEET_ID", readOnly), exitFailed,
			[]string{"permission is missing", "fake.user@gmail.com may not edit spreadsheet " + readOnly, "Try: share the spreadsheet"}},
	}
	for _, tt := range tests {
		res := runCLI(t, tt.env, "sheets", "sync")
		if res.code != tt.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", tt.name, res.code, tt.code, res.stdout, res.stderr)
		}
		for _, want := range tt.says {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", tt.name, want, res.stderr)
			}
		}
	}

	unlock, err := app.SyncLock(stateDir, "default")
	if err != nil {
		t.Fatal(err)
	}
	held := runCLI(t, withEnv(base, "SHEETS_SPREADSHEET_ID", id), "sheets", "sync")
	unlock()
	if held.code != exitLocked || !strings.Contains(held.stderr, "another sync of default is running (pid") || !strings.Contains(held.stdout, "SKIPPED") {
		t.Errorf("a held lock: exit %d\n%s%s", held.code, held.stdout, held.stderr)
	}

	hist := runCLI(t, base, "history", "--json")
	var runs []runJSON
	if err := json.Unmarshal([]byte(hist.stdout), &runs); err != nil || len(runs) != 3 {
		t.Fatalf("history: %v\n%s", err, hist.stdout)
	}
	if runs[0].Status != "skipped" || runs[1].Status != "failed" || runs[2].Status != "failed" || !strings.Contains(runs[1].Error, "permission is missing") {
		t.Errorf("history: %+v", runs)
	}
}

// TestSheetsSyncIsEmailedAndKept: the report goes out under EMAIL_ON and
// `history RUN` shows the sync with its report.
func TestSheetsSyncIsEmailedAndKept(t *testing.T) {
	db := pgtest.NewDatabase(t, ordersSQL)
	g, id := sheetsEnv(t, db)
	mb := newMailbox(t)
	env := mb.env(g.with("SHEETS_SPREADSHEET_ID", id, "SHEETS_TABLES", "public.orders"))
	n := countRows(t, db, "SELECT * FROM orders")
	if res := runCLI(t, env, "sheets", "sync"); res.code != 0 || !strings.Contains(res.stdout, "Report (ok): sent.") {
		t.Fatalf("sync: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if subjects := mb.subjects(); len(subjects) != 1 || subjects[0] != "[dbbackup] Sheets sync OK default — "+strconv.Itoa(n)+" rows" {
		t.Fatalf("subjects %q", subjects)
	}
	text := mb.texts(t)[0]
	for _, want := range []string{"Spreadsheet:  " + id, "TAB orders", "Rows:       " + strconv.Itoa(n) + " written", "Link:       https://docs.google.com/spreadsheets/d/" + id} {
		if !strings.Contains(text, want) {
			t.Errorf("the email lacks %q:\n%s", want, text)
		}
	}
	quiet := withEnv(env, "EMAIL_ON", "failure", "SHEETS_SPREADSHEET_ID", "no-such-spreadsheet")
	if res := runCLI(t, quiet, "sheets", "sync"); res.code != exitFailed || len(mb.subjects()) != 2 ||
		!strings.HasPrefix(mb.subjects()[1], "[dbbackup] Sheets sync FAILED default — 0 rows: ") {
		t.Errorf("a failed sync under EMAIL_ON=failure: exit %d, subjects %q\n%s", res.code, mb.subjects(), res.stderr)
	}

	shown := runCLI(t, env, "history", "1")
	for _, want := range []string{"Run 1: ok", "Sync job default, Google Sheets spreadsheet " + id, "Tab orders from public.orders: " + strconv.Itoa(n) + " rows written",
		"Report (sent): [dbbackup] Sheets sync OK default"} {
		if !strings.Contains(shown.stdout, want) {
			t.Errorf("history 1 lacks %q:\n%s", want, shown.stdout)
		}
	}
	// Its log lines are kept, as a backup's are, for its page.
	st, err := state.Open(env["STATE_DIR"])
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lines, err := st.RunLog(context.Background(), 1)
	var all []string
	for _, l := range lines {
		all = append(all, l.Message)
	}
	if err != nil || !strings.Contains(strings.Join(all, "\n"), "sheets sync finished") {
		t.Errorf("the sync's log lines kept: %q, %v", all, err)
	}
}

// TestCronRunsScheduledSyncJobs: a line per sync job with a schedule, at
// its own schedule, after the backup jobs' lines.
func TestCronRunsScheduledSyncJobs(t *testing.T) {
	g, id := sheetsEnv(t, pgtest.NewDatabase(t, ordersSQL))
	env := g.with("SHEETS_SPREADSHEET_ID", id, "SHEETS_TABLES", "public.orders", "SHEETS_SCHEDULE", "*/30 * * * *")
	for _, args := range [][]string{
		{"sheets", "add", "morning", "--spreadsheet", id, "--table", "public.order_lines", "--schedule", "0 6 * * 1-5"},
		{"sheets", "add", "by-hand", "--spreadsheet", id, "--query", "SELECT 1", "--sheet", "One"},
	} {
		if res := runCLI(t, env, args...); res.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, res.code, res.stderr)
		}
	}
	res := runCLI(t, env, "cron", "--schedule", "15 1 * * *")
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if res.code != 0 || len(lines) != 3 {
		t.Fatalf("cron: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for i, want := range []struct{ when, command, log string }{
		{"15 1 * * *", " run >> ", "backup_cron.log"},
		{"*/30 * * * *", " sheets sync default >> ", "sheets-default_cron.log"},
		{"0 6 * * 1-5", " sheets sync morning >> ", "sheets-morning_cron.log"},
	} {
		if l := lines[i]; !strings.HasPrefix(l, want.when+" cd ") || !strings.Contains(l, want.command) || !strings.HasSuffix(l, filepath.Join("logs", want.log)+"' 2>&1") {
			t.Errorf("line %d: %s\nwant %s … %s … %s", i+1, l, want.when, want.command, want.log)
		}
	}
	if only := runCLI(t, env, "cron", "--job", "default"); strings.Contains(only.stdout, "sheets sync") {
		t.Errorf("cron --job default printed the sync jobs:\n%s", only.stdout)
	}
}
