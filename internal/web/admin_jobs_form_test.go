package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/secret"
)

// TestEveryProblemOfAJobIsShownAtOnce: three mistakes far apart on the
// form are told at the first submit, in a summary at the top that links
// to each field, and beside each field.
func TestEveryProblemOfAJobIsShownAtOnce(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app"})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	res := ts.postForm(t, alice, "/admin/jobs", jobValues("name", "Shop!", "DATABASE_URL", "postgres://u@127.0.0.1/shop",
		"BACKUP_SCHEDULE", "61 2 * * *", "BACKUP_RETENTION_DAYS", "-1"))
	page := body(t, res)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("%d\n%s", res.StatusCode, page)
	}
	summary := page[:max(strings.Index(page, `<form method="post" action="/admin/jobs"`), 0)]
	var links []string
	for _, m := range regexp.MustCompile(`<li><a href="#([^"]+)">`).FindAllStringSubmatch(summary, -1) {
		links = append(links, m[1])
	}
	if strings.Join(links, " ") != "name f-BACKUP_SCHEDULE f-BACKUP_RETENTION_DAYS" || !strings.Contains(summary, `role="alert"`) {
		t.Errorf("the summary links to %v:\n%s", links, summary)
	}
	for id, err := range map[string]string{"name": "name-error", "f-BACKUP_SCHEDULE": "e-BACKUP_SCHEDULE", "f-BACKUP_RETENTION_DAYS": "e-BACKUP_RETENTION_DAYS"} {
		input := regexp.MustCompile(`<(input|select) id="` + id + `"[^>]*>`).FindString(page)
		if !strings.Contains(input, `aria-invalid="true"`) || !strings.Contains(input, err) || !strings.Contains(page, `id="`+err+`"`) {
			t.Errorf("field %s is not marked and described by %s: %s", id, err, input)
		}
	}
	if n := strings.Count(page, `aria-invalid="true"`); n != 3 {
		t.Errorf("%d fields marked invalid, want 3", n)
	}
	if names := in.jobNames(t); len(names) != 1 {
		t.Errorf("a refused job was stored: %v", names)
	}
}

// TestANewJobNeedsItsOwnDatabaseAndIsToldSoInTheWeb: the form says the
// database is required (not "left empty: inherits"), and the error says
// what to type, not a command for a job that does not exist yet.
func TestANewJobNeedsItsOwnDatabaseAndIsToldSoInTheWeb(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app"})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	page := body(t, ts.get(t, alice, "/admin/jobs/new"))
	input := regexp.MustCompile(`<input id="f-DATABASE_URL"[^>]*>`).FindString(page)
	help := regexp.MustCompile(`(?s)<small id="h-DATABASE_URL">.*?</small>`).FindString(page)
	if !strings.Contains(input, " required") || strings.Contains(input, "placeholder") || !strings.Contains(help, "Required") || strings.Contains(help, "Left empty") {
		t.Errorf("DATABASE_URL of a new job:\n%s\n%s", input, help)
	}
	res := ts.postForm(t, alice, "/admin/jobs", jobValues("name", "shop2", "BACKUP_FORMATS", "csv"))
	page = body(t, res)
	e := regexp.MustCompile(`(?s)<small id="e-DATABASE_URL"[^>]*>.*?</small>`).FindString(page)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(e, "postgres://") || strings.Contains(page, "dbbackup job") {
		t.Errorf("no database: %d %s\n%s", res.StatusCode, e, page)
	}
}

// TestDefaultsAreDescribedNotShownAsNone: a setting left unset reads as
// what it does; "none" would read as its opposite (SMTP_TLS=none turns
// TLS off).
func TestDefaultsAreDescribedNotShownAsNone(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app"})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	form := body(t, ts.get(t, alice, "/admin/jobs/new"))
	settings := body(t, ts.get(t, alice, "/settings"))
	for _, want := range []string{
		`<option value="">inherit: STARTTLS when the server offers it (the default)</option>`,
		"Left empty: every table (the default).",
		"Left empty: every schema (the default).",
		"Left empty: found automatically",
	} {
		if !strings.Contains(form, want) {
			t.Errorf("the job form does not say %q", want)
		}
	}
	for _, want := range []string{"STARTTLS when the server offers it", "every table", "found automatically"} {
		if !strings.Contains(settings, want) {
			t.Errorf("the settings page does not say %q", want)
		}
	}
	for page, text := range map[string]string{"form": form, "settings": settings} {
		if strings.Contains(text, "none (") || strings.Contains(text, "<small>none</small>") || strings.Contains(text, "inherit: none") {
			t.Errorf("the %s shows a default as none", page)
		}
	}
}

// TestTheSuccessBannerSaysOnlyWhatTheServerDid: a link cannot put text
// of its choosing in the green banner.
func TestTheSuccessBannerSaysOnlyWhatTheServerDid(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app", "DBBACKUP_SECRET_KEY": secret.NewKey()})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	for _, path := range []string{"/admin/jobs?done=the+server+will+be+wiped", "/admin/jobs?done=removed+the+server+will+be+wiped",
		"/admin/users?added=the-server-will-be-wiped", "/admin/users?done=added&user=the-server-will-be-wiped",
		"/admin/users/alice?done=the+server+will+be+wiped"} {
		if page := body(t, ts.get(t, alice, path)); strings.Contains(page, "wiped") || strings.Contains(page, `class="ok"`) {
			t.Errorf("%s shows the link's text or a banner:\n%s", path, page)
		}
	}

	res := ts.postForm(t, alice, "/admin/jobs", jobValues("name", "shop", "DATABASE_URL", "postgres://u@127.0.0.1:1/shop"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/jobs/shop?done=added" {
		t.Fatalf("add: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if page := body(t, ts.get(t, alice, "/admin/jobs/shop?done=added")); !strings.Contains(page, "Added job shop.") {
		t.Errorf("no banner after adding:\n%s", page)
	}
	res = ts.postForm(t, alice, "/admin/users", jobValues("name", "carol", "role", "viewer", "password", "another-password-1", "password2", "another-password-1"))
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/admin/users?done=added&user=carol" {
		t.Fatalf("add user: %d %s", res.StatusCode, loc)
	}
	if page := body(t, ts.get(t, alice, "/admin/users?done=added&user=carol")); !strings.Contains(page, "Added carol.") {
		t.Errorf("no banner after adding a user:\n%s", page)
	}
	res = ts.postForm(t, alice, "/admin/jobs/shop/remove", nil)
	if loc := res.Header.Get("Location"); loc != "/admin/jobs?done=removed" {
		t.Fatalf("remove: %d %s", res.StatusCode, loc)
	}
	if page := body(t, ts.get(t, alice, "/admin/jobs?done=removed")); !strings.Contains(page, "its backups stay") {
		t.Errorf("no banner after removing:\n%s", page)
	}
}

// TestSavingAJobChecksItsTablesInTheDatabase: a typo in BACKUP_TABLES is
// told beside the field as soon as the job is saved, with the name it
// most likely meant; a database that does not answer does not keep the
// job from being saved, and says so.
func TestSavingAJobChecksItsTablesInTheDatabase(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app"})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	shop := pgtest.NewDatabase(t, `CREATE TABLE orders (id int PRIMARY KEY); CREATE TABLE customers (id int PRIMARY KEY);`)

	res := ts.postForm(t, alice, "/admin/jobs", jobValues("name", "shop", "DATABASE_URL", shop, "BACKUP_TABLES", "public.order"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a job with a table that is not there is not saved: %d\n%s", res.StatusCode, body(t, res))
	}
	page := body(t, ts.get(t, alice, res.Header.Get("Location")))
	warning := regexp.MustCompile(`(?s)<small id="w-BACKUP_TABLES"[^>]*>.*?</small>`).FindString(page)
	input := regexp.MustCompile(`<input id="f-BACKUP_TABLES"[^>]*>`).FindString(page)
	if !strings.Contains(warning, `public.order&#34; matches no table`) || !strings.Contains(warning, "did you mean public.orders?") ||
		!strings.Contains(input, "w-BACKUP_TABLES") || !strings.Contains(page, `href="#f-BACKUP_TABLES"`) {
		t.Errorf("the typo is not shown beside BACKUP_TABLES:\n%s\n%s\n%s", input, warning, page)
	}

	res = ts.postForm(t, alice, "/admin/jobs/shop", jobValues("DATABASE_URL", shop, "BACKUP_TABLES", "public.orders"))
	if page := body(t, ts.get(t, alice, res.Header.Get("Location"))); !strings.Contains(page, "Saved job shop. Checked against its database:") ||
		!strings.Contains(page, "tables in scope: 1") || strings.Contains(page, `id="w-`) {
		t.Errorf("after the fix:\n%s", page)
	}

	res = ts.postForm(t, alice, "/admin/jobs", jobValues("name", "down", "DATABASE_URL", "postgres://u@127.0.0.1:1/down"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a job whose database is down now is not saved: %d\n%s", res.StatusCode, body(t, res))
	}
	if page := body(t, ts.get(t, alice, res.Header.Get("Location"))); !strings.Contains(page, "Added job down.") ||
		!strings.Contains(page, "could not be checked now") {
		t.Errorf("an unreachable database:\n%s", page)
	}
}
