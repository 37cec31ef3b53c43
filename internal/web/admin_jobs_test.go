package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/schedule"
	"github.com/dbbackup/dbbackup/internal/secret"
)

// jobForm is a form that sets these settings of a job.
func jobValues(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func (in *installation) jobNames(t *testing.T) []string {
	t.Helper()
	names, err := in.app.JobNames(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestAJobIsCheckedAsTheCommandsCheckItWithTheErrorBesideItsField: the
// admin panel stores nothing the job commands would refuse, and says
// which field is wrong.
func TestAJobIsCheckedAsTheCommandsCheckItWithTheErrorBesideItsField(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app", "DBBACKUP_SECRET_KEY": secret.NewKey()})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")

	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{jobValues("name", "shop", "DATABASE_URL", "postgres://u@127.0.0.1/shop", "BACKUP_SCHEDULE", "every night"), "e-BACKUP_SCHEDULE"},
		{jobValues("name", "shop", "DATABASE_URL", "postgres://u@127.0.0.1/shop", "BACKUP_RETENTION_DAYS", "thirty"), "e-BACKUP_RETENTION_DAYS"},
		{jobValues("name", "shop", "BACKUP_FORMATS", "csv"), "e-DATABASE_URL"},
		{jobValues("name", "Shop!", "DATABASE_URL", "postgres://u@127.0.0.1/shop"), "name-error"},
		{jobValues("name", "default", "DATABASE_URL", "postgres://u@127.0.0.1/shop"), "name-error"},
		{jobValues("name", "shop", "DATABASE_URL", "postgres://u@127.0.0.1/shop", "BACKUP_NAME_PREFIX", "backup"), "e-BACKUP_NAME_PREFIX"},
	} {
		res := ts.postForm(t, alice, "/admin/jobs", c.form)
		page := body(t, res)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="`+c.field+`"`) || !strings.Contains(page, `aria-invalid="true"`) {
			t.Errorf("%v: %d, want 400 with the error at %s:\n%s", c.form, res.StatusCode, c.field, page)
		}
		if strings.Contains(page, "<script>") {
			t.Error("unescaped")
		}
	}
	if names := in.jobNames(t); len(names) != 1 {
		t.Fatalf("a refused job was stored: %v", names)
	}
}

// TestJobsAreAddedEditedAndRemovedWithTheirSecretsMaskedAndKept.
func TestJobsAreAddedEditedAndRemovedWithTheirSecretsMaskedAndKept(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app", "DBBACKUP_SECRET_KEY": secret.NewKey()})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	ctx := context.Background()

	res := ts.postForm(t, alice, "/admin/jobs", jobValues("name", "shop", "DATABASE_URL", "postgres://u:db-pass-1@127.0.0.1/shop",
		"SMTP_PASSWORD", "smtp-pass-1", "EMAIL_TO", "ops@example.com", "BACKUP_FORMATS", "csv,dump"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", res.StatusCode, body(t, res))
	}
	if !slices.Contains(in.jobNames(t), "shop") {
		t.Fatal("the job was not stored")
	}
	list := body(t, ts.get(t, alice, "/admin/jobs"))
	if !strings.Contains(list, "shop") || !strings.Contains(list, "postgres://u:********@127.0.0.1/shop") || strings.Contains(list, "db-pass-1") {
		t.Errorf("the list:\n%s", list)
	}
	edit := body(t, ts.get(t, alice, "/admin/jobs/shop"))
	if strings.Contains(edit, "db-pass-1") || strings.Contains(edit, "smtp-pass-1") || !strings.Contains(edit, "kept when left blank") {
		t.Fatalf("the edit form shows a secret, or does not say it is kept:\n%s", edit)
	}

	// Secrets left blank stay; the rest is what the form says.
	res = ts.postForm(t, alice, "/admin/jobs/shop", jobValues("DATABASE_URL", "", "SMTP_PASSWORD", "", "EMAIL_TO", "ops@example.com", "BACKUP_FORMATS", "dump"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", res.StatusCode, body(t, res))
	}
	cfg, err := in.app.LoadJob(ctx, "shop", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(cfg.DatabaseURL, "db-pass-1") || cfg.Email.Password != "smtp-pass-1" || len(cfg.Formats) != 1 || cfg.Formats[0] != "dump" {
		t.Fatalf("after the edit: %s, %q, %v", cfg.DatabaseURL, cfg.Email.Password, cfg.Formats)
	}
	// A refused edit changes nothing.
	res = ts.postForm(t, alice, "/admin/jobs/shop", jobValues("EMAIL_TO", "ops@example.com", "BACKUP_TIMEOUT", "forever"))
	if page := body(t, res); res.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="e-BACKUP_TIMEOUT"`) || strings.Contains(page, "smtp-pass-1") {
		t.Fatalf("a bad timeout: %d\n%s", res.StatusCode, page)
	}
	if cfg, _ := in.app.LoadJob(ctx, "shop", nil); cfg.Timeout.String() != "6h0m0s" {
		t.Errorf("a refused edit was stored: timeout %s", cfg.Timeout)
	}
	// A stored secret is removed only when asked.
	res = ts.postForm(t, alice, "/admin/jobs/shop", jobValues("EMAIL_TO", "ops@example.com", "clear.SMTP_PASSWORD", "1"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("clear: %d\n%s", res.StatusCode, body(t, res))
	}
	if cfg, _ := in.app.LoadJob(ctx, "shop", nil); cfg.Email.Password != "" || !strings.Contains(cfg.DatabaseURL, "db-pass-1") {
		t.Errorf("after clearing SMTP_PASSWORD: %q, %s", cfg.Email.Password, cfg.DatabaseURL)
	}

	if page := body(t, ts.get(t, alice, "/admin/jobs/shop/remove")); !strings.Contains(page, "backups stay") {
		t.Errorf("the removal is not explained:\n%s", page)
	}
	if res := ts.postForm(t, alice, "/admin/jobs/shop/remove", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", res.StatusCode)
	}
	if slices.Contains(in.jobNames(t), "shop") {
		t.Fatal("the job is still there")
	}
	for _, action := range []string{"job.add", "job.edit", "job.remove"} {
		if !ts.audited(t, "alice", action, "shop") {
			t.Errorf("no %s in the audit log", action)
		}
	}
	for _, e := range ts.auditLog(t) {
		if strings.Contains(e.Detail, "pass-1") {
			t.Errorf("a secret in the audit log: %+v", e)
		}
	}
}

// TestAJobAddedHereIsScheduledAtOnce: the server's scheduler reads the
// jobs again after each change.
func TestAJobAddedHereIsScheduledAtOnce(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app"})
	quiet := slog.New(slog.DiscardHandler)
	sched := schedule.New(in.app, app.NewManager(in.app, quiet), quiet)
	if err := sched.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sched.Stop)
	ts := in.server(t)
	ts.s.o.Schedule = sched
	alice := ts.signedIn(t, "alice")
	res := ts.postForm(t, alice, "/admin/jobs", jobValues("name", "shop", "DATABASE_URL", "postgres://u@127.0.0.1/shop", "BACKUP_SCHEDULE", "30 3 * * *"))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", res.StatusCode, body(t, res))
	}
	next, ok := sched.Next("shop")
	if !ok || next.Minute() != 30 || next.Hour() != 3 {
		t.Fatalf("shop's next run: %v %v", next, ok)
	}
	ts.postForm(t, alice, "/admin/jobs/shop/remove", nil)
	if _, ok := sched.Next("shop"); ok {
		t.Error("a removed job is still scheduled")
	}
}
