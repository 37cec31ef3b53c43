package main

import (
	"context"
	"encoding/binary"
	"os"
	"strings"
	"testing"
	"time"

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
	if res.code != exitConfig || !strings.Contains(res.stderr, "Error: GOOGLE_TOKEN_FILE") || !strings.Contains(res.stderr, "Try: ") {
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
	if runs, err := s.Runs(context.Background(), 0); err != nil || len(runs) != 1 || runs[0].Status == state.StatusOK {
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
