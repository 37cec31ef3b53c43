package main

import (
	"context"
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
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
