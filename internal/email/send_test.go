package email

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

var recipients = []string{"owner@shop.example", "ops@shop.example"}

func newNotifier(t *testing.T, cfg Config) *Notifier {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "dbbackup@shop.example"
	}
	if cfg.To == nil {
		cfg.To = recipients
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	n, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// parsed is a received message taken apart the way a mail client does.
type parsed struct {
	Header      mail.Header
	Subject     string
	Text, HTML  string
	ContentType string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{Header: msg.Header}
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	media, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	p.ContentType = media
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable itself
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = part
		if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "base64") {
			body = base64.NewDecoder(base64.StdEncoding, part)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type")); ct {
		case "text/plain":
			p.Text = string(b)
		case "text/html":
			p.HTML = string(b)
		}
	}
	return p
}

func TestSendReport(t *testing.T) {
	tests := []struct {
		name    string
		outcome func() *dbbackup.Outcome
		subject string
		facts   []string
	}{
		{"ok", exampleOutcome, "[dbbackup] OK with 2 warnings: shop — 4 files, 3.7 MiB", []string{
			"Backup OK with 2 warnings", "public.playlist_track", "8,715", "+7 (+1.7%)", "-1,220 (-54.5%)",
			"WARNING", "public.invoice_line has 1,020 rows, 2,240 at the previous run",
			driveLink("1Qx7cK2mVb9TzR4nLcW8yHd3pE6uJfGs"), fakeSHA("backup_20260210_020000.xlsx"),
			"deleted 2 expired sets of database shop, kept 3", "older than 30 days (2026-01-10)", "BACKUP_RETENTION_MIN_KEEP",
			"8.8 GiB free",
		}},
		{"failed", failedOutcome, "[dbbackup] FAILED shop — store: Google token expired", []string{
			"Backup FAILED", `failed at the`, "store", "refresh answered 400 invalid_grant",
			"run `dbbackup token` to sign in to Google again", "nothing is deleted after a failed run",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, serverOpts{})
			n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port})
			if err := n.Notify(context.Background(), tt.outcome()); err != nil {
				t.Fatal(err)
			}
			got := srv.received()
			if len(got) != 1 {
				t.Fatalf("server received %d messages, want 1", len(got))
			}
			if got[0].From != "dbbackup@shop.example" || strings.Join(got[0].To, ",") != strings.Join(recipients, ",") {
				t.Errorf("envelope: from %s to %v", got[0].From, got[0].To)
			}
			m := parse(t, got[0].Data)
			if m.Subject != tt.subject {
				t.Errorf("Subject:\n got %q\nwant %q", m.Subject, tt.subject)
			}
			if from, err := mail.ParseAddress(m.Header.Get("From")); err != nil || from.Address != "dbbackup@shop.example" {
				t.Errorf("From: %q (%v)", m.Header.Get("From"), err)
			}
			to, err := m.Header.AddressList("To")
			if err != nil || len(to) != 2 || to[0].Address != recipients[0] || to[1].Address != recipients[1] {
				t.Errorf("To: %q (%v)", m.Header.Get("To"), err)
			}
			if date, err := m.Header.Date(); err != nil || time.Since(date) > time.Minute {
				t.Errorf("Date: %q (%v)", m.Header.Get("Date"), err)
			}
			if id := m.Header.Get("Message-ID"); !regexp.MustCompile(`^<[^<>@\s]+@[^<>@\s]+>$`).MatchString(id) {
				t.Errorf("Message-ID: %q", id)
			}
			if m.ContentType != "multipart/alternative" || m.Text == "" || m.HTML == "" {
				t.Fatalf("want a text and an HTML part in multipart/alternative, got %s with %d and %d bytes", m.ContentType, len(m.Text), len(m.HTML))
			}
			assertContains(t, "text", m.Text, tt.facts...)
			assertContains(t, "html", readable(m.HTML), tt.facts...)
		})
	}
}

func TestSendWhen(t *testing.T) {
	tests := []struct {
		on               When
		okSent, failSent bool
	}{
		{"", true, true}, {Always, true, true}, {OnFailure, false, true}, {Never, false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.on), func(t *testing.T) {
			srv := startServer(t, serverOpts{})
			n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port, On: tt.on})
			for _, c := range []struct {
				o    *dbbackup.Outcome
				want bool
			}{{exampleOutcome(), tt.okSent}, {failedOutcome(), tt.failSent}} {
				before := len(srv.received())
				if err := n.Notify(context.Background(), c.o); err != nil {
					t.Fatal(err)
				}
				if sent := len(srv.received()) > before; sent != c.want {
					t.Errorf("On=%q, run ok=%v: sent %v, want %v", tt.on, c.o.OK(), sent, c.want)
				}
			}
		})
	}
}

// hintOf is the advice attached to err, or "".
func hintOf(err error) string {
	var he *dbbackup.HintError
	if errors.As(err, &he) {
		return he.Hint
	}
	return ""
}

func TestRecipientRefused(t *testing.T) {
	srv := startServer(t, serverOpts{rejectRcpt: "ops@shop.example"})
	n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port})
	err := n.Notify(context.Background(), exampleOutcome())
	t.Logf("error: %v\nhint: %s", err, hintOf(err))
	if err == nil {
		t.Fatal("a refused recipient went unnoticed")
	}
	if !strings.Contains(err.Error(), "a recipient was refused") || !strings.Contains(err.Error(), "ops@shop.example") || !strings.Contains(hintOf(err), "EMAIL_TO") {
		t.Errorf("error %q, hint %q", err, hintOf(err))
	}
	if len(srv.received()) != 0 {
		t.Error("the message went out anyway")
	}
}
