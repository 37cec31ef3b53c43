package web

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/secret"
	"github.com/emersion/go-smtp"
)

// row finds the settings table's row of key in page: value and origin.
func row(t *testing.T, page, key string) (value, from string) {
	t.Helper()
	m := regexp.MustCompile(`<tr[^>]*><th scope="row"><code>` + key + `</code>[^<]*(?:<small>[^<]*</small>)?</th><td[^>]*>(?:<code>([^<]*)</code>|<small>none</small>)</td><td[^>]*>([^<]*)</td></tr>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no row for %s:\n%s", key, page)
	}
	return m[1], m[2]
}

func TestSettingsSayWhereEachValueComesFromWithSecretsMasked(t *testing.T) {
	t.Setenv("BACKUP_TIMEOUT", "2h")
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app:env-pass-1@127.0.0.1/app",
		"BACKUP_NAME_TIMEZONE": "UTC", "EMAIL_FROM": "<script>alert(1)</script>@example.com", "DBBACKUP_SECRET_KEY": secret.NewKey()})
	ctx := context.Background()
	if err := in.app.SaveJob(ctx, "shop", map[string]string{"DATABASE_URL": "postgres://u:job-pass-1@127.0.0.1/shop",
		"SMTP_PASSWORD": "smtp-pass-1", "EMAIL_TO": "ops@example.com"}, app.AddJob); err != nil {
		t.Fatal(err)
	}
	ts := in.server(t)
	bob := ts.signedIn(t, "bob")

	page := body(t, ts.get(t, bob, "/settings?job=default"))
	for key, want := range map[string][2]string{
		"DATABASE_URL":          {"postgres://app:********@127.0.0.1/app", ".env"},
		"BACKUP_TIMEOUT":        {"2h", "environment"},
		"BACKUP_RETENTION_DAYS": {"30", "default"},
		"BACKUP_NAME_TIMEZONE":  {"UTC", ".env"},
	} {
		if v, from := row(t, page, key); v != want[0] || from != want[1] {
			t.Errorf("%s: %q from %s, want %q from %s", key, v, from, want[0], want[1])
		}
	}
	if strings.Contains(page, "env-pass-1") || strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("a secret shown, or a value not escaped:\n%s", page)
	}
	if strings.Contains(page, "Test the database") {
		t.Error("a viewer is offered the checks")
	}

	page = body(t, ts.get(t, bob, "/settings?job=shop"))
	for key, want := range map[string][2]string{
		"DATABASE_URL":   {"postgres://u:********@127.0.0.1/shop", "job"},
		"SMTP_PASSWORD":  {"********", "job"},
		"EMAIL_TO":       {"ops@example.com", "job"},
		"BACKUP_TIMEOUT": {"2h", "environment"},
	} {
		if v, from := row(t, page, key); v != want[0] || from != want[1] {
			t.Errorf("shop's %s: %q from %s, want %q from %s", key, v, from, want[0], want[1])
		}
	}
	if strings.Contains(page, "pass-1") {
		t.Errorf("a secret shown:\n%s", page)
	}
	if res := ts.get(t, bob, "/settings?job=nosuch"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown job: %d", res.StatusCode)
	}
}

func TestTheChecksAreThoseOfDbbackupCheck(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL)})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")

	page := body(t, ts.postForm(t, alice, "/settings/default/check", url.Values{"what": {"database"}}))
	if !regexp.MustCompile(`<strong class="ok">OK</strong> database: .*tables in scope: 1, all readable`).MatchString(page) ||
		!strings.Contains(page, "OK</strong> pg_dump") || strings.Contains(page, "backup folder") {
		t.Errorf("the database checks:\n%s", page)
	}
	page = body(t, ts.postForm(t, alice, "/settings/default/check", url.Values{"what": {"all"}}))
	// Drive and email, which this job does not use, are said to be so.
	for _, want := range []string{"OK</strong> backup folder", "OK</strong> run history", "OK</strong> database",
		"<strong>not used</strong> Google Drive: DRIVE_BACKUP_FOLDER_ID is not set", "<strong>not used</strong> email report: EMAIL_TO is not set"} {
		if !strings.Contains(page, want) {
			t.Errorf("every check: no %q\n%s", want, page)
		}
	}
	if page := body(t, ts.get(t, alice, "/settings")); !strings.Contains(page, "<strong>not used</strong> Google Drive") {
		t.Errorf("the settings do not say Drive is not used:\n%s", page)
	}

	// A database that is not there: FAIL, with what to do.
	bad := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none?connect_timeout=2"})
	ts = bad.server(t)
	alice = ts.signedIn(t, "alice")
	page = body(t, ts.postForm(t, alice, "/settings/default/check", url.Values{"what": {"database"}}))
	if !strings.Contains(page, `FAIL</strong> database`) || !strings.Contains(page, "What to do:") {
		t.Errorf("an unreachable database:\n%s", page)
	}
}

func TestATestEmailReachesTheRecipients(t *testing.T) {
	mail := startSMTP(t)
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app", "EMAIL_TO": "ops@example.com",
		"SMTP_HOST": "127.0.0.1", "SMTP_PORT": strconv.Itoa(mail.port), "SMTP_TLS": "none", "EMAIL_ON": "failure"})
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	page := body(t, ts.postForm(t, alice, "/settings/default/email", nil))
	if !strings.Contains(page, "OK</strong> test email: sent to ops@example.com") {
		t.Fatalf("test email:\n%s", page)
	}
	if got := mail.received(); len(got) != 1 || got[0] != "ops@example.com" {
		t.Fatalf("the SMTP server received %v", got)
	}
	page = body(t, ts.postForm(t, alice, "/settings/default/check", url.Values{"what": {"smtp"}}))
	if !strings.Contains(page, "OK</strong> SMTP server") || strings.Contains(page, "database") && strings.Contains(page, "OK</strong> database") {
		t.Errorf("the SMTP check:\n%s", page)
	}
}

// smtpServer is a real SMTP server (go-smtp) that records recipients.
type smtpServer struct {
	port int
	mu   sync.Mutex
	to   []string
}

func (s *smtpServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.to...)
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{port: ln.Addr().(*net.TCPAddr).Port}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{s}, nil }))
	srv.Domain, srv.ErrorLog = "mail.test", log.New(io.Discard, "", 0)
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

type smtpSession struct{ s *smtpServer }

func (ss *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.to = append(ss.s.to, to)
	return nil
}
func (ss *smtpSession) Data(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }
func (ss *smtpSession) Reset()                 {}
func (ss *smtpSession) Logout() error          { return nil }
