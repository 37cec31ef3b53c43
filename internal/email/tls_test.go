package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

const password = "s3cret-Pa55"

var users = map[string]string{"backup": password}

func TestTLSAndLogin(t *testing.T) {
	serverTLS, roots := selfSigned(t)
	trust := &tls.Config{RootCAs: roots}
	tests := []struct {
		name     string
		mode     TLSMode
		implicit bool
		client   *tls.Config
		remote   bool
	}{
		{"STARTTLS when offered", TLSAuto, false, trust, false},
		{"STARTTLS when offered, remote host", TLSAuto, false, trust, true},
		{"STARTTLS required", TLSStartTLS, false, trust, false},
		{"implicit TLS", TLSImplicit, true, trust, false},
		// Like Postfix's snakeoil certificate: a local relay's is not checked.
		{"local relay, self-signed, unchecked", TLSAuto, false, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := serverOpts{tls: serverTLS, implicit: tt.implicit, users: users}
			if tt.remote {
				opts.host = secondLoopback(t)
			}
			srv := startServer(t, opts)
			n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port, TLS: tt.mode,
				Username: "backup", Password: password, TLSConfig: tt.client})
			if err := n.Notify(context.Background(), exampleOutcome()); err != nil {
				t.Fatal(err)
			}
			got := srv.received()
			if len(got) != 1 || !got[0].TLS {
				t.Fatalf("want one message over TLS, got %d (TLS: %v)", len(got), len(got) == 1 && got[0].TLS)
			}
			if logins := srv.triedLogins(); len(logins) != 1 || logins[0] != "backup" {
				t.Errorf("logins: %v", logins)
			}
			if strings.Contains(string(got[0].Data), password) {
				t.Error("the message holds the SMTP password")
			}
		})
	}
}

// secondLoopback skips the test where 127.0.0.2 cannot be listened on:
// it is a loopback address on Linux that the guard does not count as this
// machine, so a "remote" server can run in the test.
func secondLoopback(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2 here: %v", err)
	}
	ln.Close()
	return "127.0.0.2"
}

func TestTLSFailures(t *testing.T) {
	serverTLS, _ := selfSigned(t)
	trustNobody := &tls.Config{RootCAs: x509.NewCertPool()}
	tests := []struct {
		name     string
		server   serverOpts
		mode     TLSMode
		client   *tls.Config
		what     string
		hintWord string
	}{
		// Opportunistic does not mean "any certificate": a bad one stops the send.
		{"untrusted certificate", serverOpts{tls: serverTLS}, TLSAuto, trustNobody, "certificate is not trusted", "certificate"},
		{"remote host, self-signed", serverOpts{tls: serverTLS, host: "remote"}, TLSAuto, nil, "certificate is not trusted", "certificate"},
		{"STARTTLS required, not offered", serverOpts{}, TLSStartTLS, nil, "does not offer STARTTLS", "SMTP_TLS"},
		{"implicit TLS to a plaintext port", serverOpts{}, TLSImplicit, nil, "does not speak TLS", "SMTP_TLS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.server.host == "remote" {
				tt.server.host = secondLoopback(t)
			}
			srv := startServer(t, tt.server)
			n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port, TLS: tt.mode, TLSConfig: tt.client})
			err := n.Notify(context.Background(), exampleOutcome())
			t.Logf("error: %v\nhint: %s", err, hintOf(err))
			if err == nil || !strings.Contains(err.Error(), tt.what) || !strings.Contains(hintOf(err), tt.hintWord) {
				t.Fatalf("error %v, hint %q; want %q and a hint naming %s", err, hintOf(err), tt.what, tt.hintWord)
			}
			if len(srv.received()) != 0 {
				t.Error("a message went out")
			}
		})
	}
}

func TestPasswordRefused(t *testing.T) {
	srv := startServer(t, serverOpts{users: users, insecure: true})
	n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port, Username: "backup", Password: "wrong-" + password})
	err := n.Notify(context.Background(), exampleOutcome())
	t.Logf("error: %v\nhint: %s", err, hintOf(err))
	if err == nil || !strings.Contains(err.Error(), "login refused") || !strings.Contains(hintOf(err), "SMTP_PASSWORD") {
		t.Fatalf("error %v, hint %q", err, hintOf(err))
	}
	if strings.Contains(err.Error(), password) {
		t.Error("the error shows the password")
	}
}

func TestNoLoginOffered(t *testing.T) {
	srv := startServer(t, serverOpts{})
	n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port, Username: "backup", Password: password})
	err := n.Notify(context.Background(), exampleOutcome())
	t.Logf("error: %v\nhint: %s", err, hintOf(err))
	if err == nil || !strings.Contains(err.Error(), "cannot log in") || !strings.Contains(hintOf(err), "SMTP_USERNAME") {
		t.Fatalf("error %v, hint %q", err, hintOf(err))
	}
}

func TestCheckCredentials(t *testing.T) {
	for _, tt := range []struct {
		host      string
		encrypted bool
		ok        bool
	}{
		{"localhost", false, true}, {"127.0.0.1", false, true}, {"::1", false, true}, {"[::1]", false, true},
		{"LOCALHOST", false, true}, {"smtp.example.com", true, true},
		{"smtp.example.com", false, false}, {"127.0.0.2", false, false}, {"10.0.0.5", false, false},
		{"localhost.evil.example", false, false},
	} {
		err := checkCredentials(tt.host, tt.encrypted)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInsecureAuth)) {
			t.Errorf("checkCredentials(%q, encrypted %v) = %v, want ok %v", tt.host, tt.encrypted, err, tt.ok)
		}
	}
}

// SMTP_TLS=none with a remote host and a password can never be safe: New
// says so before any run.
func TestNewRefusesPlaintextLogin(t *testing.T) {
	_, err := New(Config{Host: "smtp.example.com", Username: "backup", Password: password, TLS: TLSNone, To: recipients}, slog.New(slog.DiscardHandler))
	var ce *dbbackup.ConfigError
	if !errors.As(err, &ce) || ce.Var != "SMTP_TLS" || !strings.Contains(ce.Problem, "without TLS") {
		t.Fatalf("New: %v", err)
	}
	if strings.Contains(err.Error(), password) {
		t.Error("the error shows the password")
	}
}

// A server that is not this machine and does not offer STARTTLS (or had
// the offer stripped) never sees the password.
func TestNoLoginWithoutTLSToRemoteHost(t *testing.T) {
	srv := startServer(t, serverOpts{host: secondLoopback(t), users: users, insecure: true})
	n := newNotifier(t, Config{Host: srv.Host, Port: srv.Port, Username: "backup", Password: password})
	err := n.Notify(context.Background(), exampleOutcome())
	t.Logf("error: %v\nhint: %s", err, hintOf(err))
	if !errors.Is(err, ErrInsecureAuth) || !strings.Contains(hintOf(err), "SMTP_TLS=starttls") {
		t.Fatalf("error %v, hint %q", err, hintOf(err))
	}
	if logins := srv.triedLogins(); len(logins) != 0 {
		t.Errorf("the server saw a login: %v", logins)
	}
	if len(srv.received()) != 0 {
		t.Error("a message went out")
	}
}

func TestServerDown(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	tests := []struct {
		name     string
		port     int
		what     string
		hintWord string
	}{
		{"nothing listening", closedPort, "cannot connect", "SMTP_PORT"},
		{"never answers", silentListener(t), "no answer within 300ms", "SMTP_PORT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNotifier(t, Config{Host: "127.0.0.1", Port: tt.port, Timeout: 300 * time.Millisecond})
			start := time.Now()
			err := n.Notify(context.Background(), failedOutcome())
			t.Logf("error: %v\nhint: %s", err, hintOf(err))
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("took %s with a timeout of 300ms", took)
			}
			addr := fmt.Sprintf("127.0.0.1:%d", tt.port)
			if err == nil || !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), tt.what) || !strings.Contains(hintOf(err), tt.hintWord) {
				t.Fatalf("error %v, hint %q; want %s, %q and a hint naming %s", err, hintOf(err), addr, tt.what, tt.hintWord)
			}
		})
	}
}
