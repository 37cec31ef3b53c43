package main

import (
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/secret"
)

// TestSecretKey: each call prints one new key, alone on stdout, that
// DBBACKUP_SECRET_KEY accepts.
func TestSecretKey(t *testing.T) {
	var keys []string
	for range 2 {
		res := runCLI(t, nil, "secret-key")
		if res.code != 0 {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
		key, ok := strings.CutSuffix(res.stdout, "\n")
		if !ok || strings.Contains(key, "\n") {
			t.Fatalf("stdout %q: want one line", res.stdout)
		}
		if _, err := secret.ParseKey(key); err != nil {
			t.Fatalf("the printed key %q: %v", key, err)
		}
		if !strings.Contains(res.stderr, secret.KeyVar+"=") {
			t.Errorf("stderr %q: want how to put it in .env", res.stderr)
		}
		keys = append(keys, key)
	}
	if keys[0] == keys[1] {
		t.Errorf("two calls printed the same key %q", keys[0])
	}
}
