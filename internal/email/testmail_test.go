package email

import (
	"bytes"
	"context"
	"io"
	"net/mail"
	"strings"
	"testing"
)

// TestSendTestReachesEveryRecipient: the settings page's test email goes
// out whatever EMAIL_ON says (it was asked for), and says which job's
// reports it stands for.
func TestSendTestReachesEveryRecipient(t *testing.T) {
	srv := startServer(t, serverOpts{})
	n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port, On: Never})
	if err := n.SendTest(context.Background(), "shop"); err != nil {
		t.Fatal(err)
	}
	got := srv.received()
	if len(got) != 1 || strings.Join(got[0].To, ",") != strings.Join(recipients, ",") {
		t.Fatalf("received %+v", got)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(msg.Body)
	if s := msg.Header.Get("Subject"); !strings.Contains(s, "test email") || !strings.Contains(s, "shop") {
		t.Errorf("Subject %q", s)
	}
	if !strings.Contains(string(body), "job shop") {
		t.Errorf("body:\n%s", body)
	}
}

func TestSendTestSaysWhatWasRefused(t *testing.T) {
	srv := startServer(t, serverOpts{rejectRcpt: "ops@shop.example"})
	n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port})
	err := n.SendTest(context.Background(), "default")
	if err == nil || !strings.Contains(err.Error(), "ops@shop.example") || !strings.Contains(hintOf(err), "EMAIL_TO") {
		t.Fatalf("error %v, hint %q", err, hintOf(err))
	}
}
