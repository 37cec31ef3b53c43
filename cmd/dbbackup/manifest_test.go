package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// An edited manifest would vouch for edited files: its own SHA-256, shown
// in the summary and the email and kept in the history, is what verify
// checks it against.
func TestVerifyCatchesAnEditedManifest(t *testing.T) {
	mb := newMailbox(t)
	dir, stateDir := t.TempDir(), t.TempDir()
	env := mb.env(map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, ordersSQL), "BACKUP_DIR": dir,
		"BACKUP_FORMATS": "csv", "STATE_DIR": stateDir})
	res := runCLI(t, env, "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	path := only(t, dir, ".manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])
	if !strings.Contains(res.stdout, "Manifest SHA-256 "+want) {
		t.Errorf("the summary lacks the manifest's SHA-256 %s:\n%s", want, res.stdout)
	}
	if texts := mb.texts(t); len(texts) != 1 || !strings.Contains(texts[0], "Manifest:   sha256 "+want) {
		t.Errorf("the email lacks the manifest's SHA-256 %s:\n%s", want, texts)
	}
	if res := runCLI(t, env, "verify"); res.code != 0 || !strings.Contains(res.stdout, want+", as the run history recorded it") {
		t.Fatalf("verify of an intact set: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// Edit the manifest as someone hiding a lost table would: fewer rows,
	// every file entry still right.
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["tables"].([]any)[0].(map[string]any)["rows"] = 1
	edited, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(path, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	res = runCLI(t, env, "verify")
	if res.code != exitFailed || !strings.Contains(res.stdout, "FAIL  "+strings.TrimPrefix(path, dir+"/")+": its SHA-256 is ") ||
		!strings.Contains(res.stdout, "the manifest was changed") {
		t.Errorf("verify of an edited manifest: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// Without a history there is nothing to check the manifest against:
	// verify says so, and creates no history.
	empty := t.TempDir()
	res = runCLI(t, withEnv(env, "STATE_DIR", empty), "verify")
	if res.code != 0 || !strings.Contains(res.stdout, "no history record for this set: the manifest itself cannot be checked") {
		t.Errorf("verify without a history: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("verify created %v in STATE_DIR", entries)
	}
}
