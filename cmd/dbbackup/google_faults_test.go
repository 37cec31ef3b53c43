package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/googleauth"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/retry"
	"github.com/dbbackup/dbbackup/internal/state"
)

func TestCraftedTokenPickleFailsTheRunWithAReport(t *testing.T) {
	g := newGoogle(t, pgtest.NewDatabase(t, ordersSQL))
	mb := newMailbox(t)
	stateDir := t.TempDir()
	// PROTO 4, then a FRAME that says it holds 1 TiB.
	crafted := append([]byte("\x80\x04\x95"), binary.LittleEndian.AppendUint64(nil, 1<<40)...)
	os.WriteFile(g.env["GOOGLE_TOKEN_FILE"], append(crafted, '.'), 0o600)

	res := runCLI(t, mb.env(g.with("STATE_DIR", stateDir)), "run")
	if res.code != exitConfig || !strings.Contains(res.stderr, "GOOGLE_TOKEN_FILE: ") || !strings.Contains(res.stderr, "Try: ") {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if s := mb.subjects(); len(s) != 1 || !strings.Contains(s[0], "FAILED") {
		t.Errorf("emails: %q", s)
	}
	s, err := state.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if runs, err := s.Runs(context.Background(), "", 0); err != nil || len(runs) != 1 || runs[0].Status == state.StatusOK {
		t.Errorf("history: %v %+v", err, runs)
	}
}

func TestTokenFileReadableByOthersIsWarned(t *testing.T) {
	g := newGoogle(t, pgtest.NewDatabase(t, ordersSQL))
	token := g.env["GOOGLE_TOKEN_FILE"]
	os.Chmod(token, 0o644)
	res := runCLI(t, g.with("BACKUP_FORMATS", "csv"), "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "readable by other users") || !strings.Contains(res.stderr, "chmod 600 "+token) {
		t.Errorf("no warning about the 0644 token file:\n%s", res.stderr)
	}
}

func TestGoogleUnreachableFailsSoonWithAHint(t *testing.T) {
	g := newGoogle(t, pgtest.NewDatabase(t, ordersSQL))
	// Production's shape in tenths: ten tries, waits doubling up to 1.6 s.
	saved := retryPolicy
	retryPolicy = retry.Policy{Tries: 10, Base: 100 * time.Millisecond, Max: 1600 * time.Millisecond}
	t.Cleanup(func() { retryPolicy = saved })

	start := time.Now()
	res := runCLI(t, g.with("GOOGLE_API_ENDPOINT", "http://nonexistent.invalid/", "BACKUP_FORMATS", "csv"), "run")
	took := time.Since(start)
	if res.code != exitFailed {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if took > 3*time.Second {
		t.Errorf("gave up after %s: a host that does not resolve is retried as long as a cut connection", took)
	}
	if !strings.Contains(res.stderr, "Try: this machine cannot reach Google") {
		t.Errorf("no hint:\n%s", res.stderr)
	}
	if strings.Contains(res.stderr, "alt=json") || strings.Contains(res.stderr, "/drive/v3/") {
		t.Errorf("the output holds the whole API address:\n%s", res.stderr)
	}
}

// TestTokenFlowIgnoresAnswersOfOtherRequests: an answer with another state
// (an old consent tab, or a web page that calls the loopback address) is
// refused and the command keeps waiting for the real one.
func TestTokenFlowIgnoresAnswersOfOtherRequests(t *testing.T) {
	g := newGoogle(t, "")
	tokenFile := filepath.Join(t.TempDir(), "token.json")
	stdinR, stdinW := io.Pipe()
	defer stdinW.Close()
	consent, done := startToken(t, g.with("GOOGLE_TOKEN_FILE", tokenFile), stdinR)
	u, _ := url.Parse(consent)
	redirect := u.Query().Get("redirect_uri")

	// A pasted address and a request to the loopback address, both with
	// a state of their own.
	io.WriteString(stdinW, redirect+"?state=forged&code=4/forged-code\n")
	resp, err := http.Get(redirect + "?state=forged&code=4/forged-code")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a forged answer got %d", resp.StatusCode)
	}
	select {
	case err := <-done:
		t.Fatalf("the flow ended on a forged answer: %v", err)
	default:
	}

	resp, err = http.Get(consent) // the browser: consent, then Google's redirect
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-done; err != nil {
		t.Fatalf("token: %v", err)
	}
	if tok, err := googleauth.ReadToken(tokenFile); err != nil || tok.RefreshToken == "" {
		t.Fatalf("saved token %+v, %v", tok, err)
	}
}

func TestTokenListenRefusesNonLoopbackAddresses(t *testing.T) {
	g := newGoogle(t, "")
	for _, listen := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:8085", "example.com:8085"} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		for _, k := range settings {
			t.Setenv(k, g.env[k])
		}
		var errOut bytes.Buffer
		cmd := newRootCommand()
		cmd.SetArgs([]string{"token", "--listen", listen})
		cmd.SetOut(io.Discard)
		cmd.SetErr(&errOut)
		cmd.SetIn(strings.NewReader(""))
		err := cmd.ExecuteContext(ctx)
		cancel()
		code := report(&errOut, err)
		if code != exitConfig || !strings.Contains(errOut.String(), "not a loopback address") || strings.Contains(errOut.String(), "/o/oauth2/auth") {
			t.Errorf("--listen %s: exit %d\n%s", listen, code, errOut.String())
		}
	}
}
