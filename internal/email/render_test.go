package email

import (
	"errors"
	stdhtml "html"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestSubject(t *testing.T) {
	long := errors.New(strings.Repeat("the Google Drive folder could not be reached ", 4))
	tests := []struct {
		name string
		o    func() *dbbackup.Outcome
		want string
	}{
		{"ok with a warning and an alert", exampleOutcome, "[dbbackup] OK with 2 warnings: shop — 4 files, 3.7 MiB"},
		{"ok", func() *dbbackup.Outcome {
			o := exampleOutcome()
			o.Report.Warnings, o.Previous = nil, nil
			return o
		}, "[dbbackup] OK shop — 4 files, 3.7 MiB"},
		{"ok with one warning", func() *dbbackup.Outcome {
			o := exampleOutcome()
			o.Previous = nil
			return o
		}, "[dbbackup] OK with 1 warning: shop — 4 files, 3.7 MiB"},
		{"failed: first line of the error", failedOutcome, "[dbbackup] FAILED shop — store: Google token expired"},
		{"failed: long cause cut", func() *dbbackup.Outcome {
			o := failedOutcome()
			o.Err = long
			return o
		}, "[dbbackup] FAILED shop — " + strings.TrimSpace(strings.Repeat("the Google Drive folder could not be reached ", 2)[:79]) + "…"},
		{"failed before connecting: no database name", func() *dbbackup.Outcome {
			return &dbbackup.Outcome{Report: &dbbackup.Report{}, Err: errors.New("connect: connection refused")}
		}, "[dbbackup] FAILED database — connect: connection refused"},
		{"failed to connect: the database the settings name", func() *dbbackup.Outcome {
			return &dbbackup.Outcome{Report: &dbbackup.Report{}, Database: "shop", Err: errors.New("connect: connection refused")}
		}, "[dbbackup] FAILED shop — connect: connection refused"},
		{"skipped", func() *dbbackup.Outcome {
			return &dbbackup.Outcome{Report: &dbbackup.Report{}, Database: "shop", Stage: dbbackup.StageLock,
				Err: errors.New("lock: another backup is running (pid 7 since 2026-02-10 02:00:00)")}
		}, "[dbbackup] SKIPPED shop — lock: another backup is running (pid 7 since 2026-02-10 02:00:00)"},
		{"a job other than default is named", func() *dbbackup.Outcome {
			o := exampleOutcome()
			o.Report.Warnings, o.Previous, o.Job = nil, nil, "hourly"
			return o
		}, "[dbbackup] OK shop (job hourly) — 4 files, 3.7 MiB"},
		{"the job default is not", func() *dbbackup.Outcome {
			o := failedOutcome()
			o.Job = dbbackup.DefaultJob
			return o
		}, "[dbbackup] FAILED shop — store: Google token expired"},
		{"one file", func() *dbbackup.Outcome {
			o := exampleOutcome()
			o.Report.Files = o.Report.Files[:1]
			o.Report.Warnings, o.Previous, o.PreviousSize = nil, nil, 0
			return o
		}, "[dbbackup] OK shop — 1 file, 1.1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Subject(tt.o()); got != tt.want {
				t.Errorf("Subject:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// mustRender renders o and fails the test on error.
func mustRender(t *testing.T, o *dbbackup.Outcome) (text, html string) {
	t.Helper()
	_, text, html, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	return text, html
}

// readable is the HTML's text as a browser shows it: entities decoded.
func readable(html string) string { return stdhtml.UnescapeString(html) }

func assertContains(t *testing.T, part, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s part lacks %q", part, w)
		}
	}
}

func TestRenderOK(t *testing.T) {
	o := exampleOutcome()
	text, html := mustRender(t, o)
	for part, body := range map[string]string{"text": text, "html": readable(html)} {
		assertContains(t, part, body,
			"Backup OK", "shop", "16.4 (Debian 16.4-1.pgdg120+2)", "2026-02-10 02:00:01 CET", "2026-02-10 02:00:47 CET", "47s",
			"Google Drive folder 1AbCdEfGhIjKlMnOpQrStUvWxYz",
			"public.playlist_track", "8,715", "no change", "+7 (+1.7%)", "1,020", "-1,220 (-54.5%)",
			"public.invoice_line has 1,020 rows, 2,240 at the previous run: it lost more than half of them.",
			fakeSHA("backup_20260210_020000.dump"), "1.1 MiB", "manifest",
			"deleted 2 expired sets of database shop, kept 3", "older than 30 days (2025-12-27)", "one of the newest 3 complete sets (BACKUP_RETENTION_MIN_KEEP)",
			"6.2 GiB used of 15.0 GiB (41%), 8.8 GiB free.",
			`public.track column`,
		)
		if strings.Contains(body, "failed at") {
			t.Errorf("%s part of an OK run speaks of a failure", part)
		}
	}
	for _, f := range o.Report.Files {
		assertContains(t, "text", text, "link:   "+f.Link)
		assertContains(t, "html", html, `<a href="`+f.Link+`"`)
	}
	assertContains(t, "html", html, "background-color:#1a7f37", "&#34;composer&#34;")
	assertContains(t, "text", text, "<-- WARNING", "WARNING: public.invoice_line")
}

func TestRenderFailed(t *testing.T) {
	text, html := mustRender(t, failedOutcome())
	for part, body := range map[string]string{"text": text, "html": readable(html)} {
		assertContains(t, part, body,
			"Backup FAILED", "FAILED", "store", "store: Google token expired", "refresh answered 400 invalid_grant",
			"run `dbbackup token` to sign in to Google again",
			"nothing is deleted after a failed run",
			"No file of this run was kept",
			"public.invoice_line has 1,020 rows",
		)
	}
	assertContains(t, "html", html, "background-color:#cf222e", "the &ldquo;store&rdquo; stage")
	assertContains(t, "text", text, `The backup failed at the "store" stage.`)
}

func TestRenderShrunkSetAndUnknownRows(t *testing.T) {
	o := exampleOutcome()
	o.PreviousSize = 4 * o.Report.Size()
	o.Report.Tables[0].Rows = -1 // a dump alone counts no rows
	o.Previous = append(o.Previous, dbbackup.TableCount{Schema: "public", Name: "coupon", Rows: 12})
	text, html := mustRender(t, o)
	for part, body := range map[string]string{"text": text, "html": readable(html)} {
		assertContains(t, part, body, "in dump", "it shrank by more than half",
			"public.coupon was in the previous backup (12 rows) and is not in this one.")
	}
}

// Nothing in an Outcome may add markup or a link of its own to the HTML.
func TestRenderEscapes(t *testing.T) {
	o := exampleOutcome()
	o.Report.Tables[0].Name = `<script>alert("t")</script>`
	o.Report.Files[0].Link = `javascript:alert(1)`
	o.Report.Files[1].Link = "file:///var/backups/shop/backup_20260210_020000.xlsx" // the local folder's links
	o.Report.Warnings = []string{`<img src=x onerror=alert(1)>`}
	_, html := mustRender(t, o)
	for _, bad := range []string{"<script>", "<img", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML holds %q unescaped", bad)
		}
	}
	assertContains(t, "html", html, "&lt;script&gt;", "&lt;img src=x", `<a href="file:///var/backups/shop/backup_20260210_020000.xlsx"`)
}

func TestRetentionNotes(t *testing.T) {
	o := exampleOutcome()
	o.Retention.Removed = o.Retention.Removed[:1]
	o.Retention.Failed = []dbbackup.SetError{{Set: o.Retention.Decisions[4].Set, Err: "403 insufficient permissions"}}
	text, _ := mustRender(t, o)
	assertContains(t, "text", text, "deleted 1 expired set of database shop, kept 3; could not delete "+o.Retention.Decisions[4].Set.ID+
		" (403 insufficient permissions): the next run tries again", "delete failed", "OK with 3 warnings")

	o.Retention = nil
	text, _ = mustRender(t, o)
	assertContains(t, "text", text, "did not run, so no set was deleted")
}
