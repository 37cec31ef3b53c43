package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/passwd"
	"github.com/dbbackup/dbbackup/internal/state"
)

// userEnv is a fresh installation whose state database does not exist yet.
func userEnv(t *testing.T) (map[string]string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "state")
	return map[string]string{"STATE_DIR": dir}, dir
}

func mustRun(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	res := runCLIWithInput(t, env, stdin, args...)
	if res.code != 0 {
		t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), res.code, res.stdout, res.stderr)
	}
	return res
}

func userState(t *testing.T, dir string) *state.Store {
	t.Helper()
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A script makes the first admin from stdin; the password works, and only
// its hash is kept, in a file only the owner reads.
func TestUserAddFromScript(t *testing.T) {
	env, dir := userEnv(t)
	res := runCLI(t, env, "users")
	if res.code != 0 || !strings.Contains(res.stdout, "No users yet") {
		t.Fatalf("users before any: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("listing users created the state folder: %v", err)
	}
	mustRun(t, env, "correct horse battery\n", "user", "add", "anna", "--role", "admin")
	mustRun(t, env, "viewer-password", "user", "add", "ben@example.com", "--role", "viewer") // no newline at the end

	fi, err := os.Stat(filepath.Join(dir, state.FileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("state database: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	s := userState(t, dir)
	ctx := context.Background()
	u, hash, ok, err := s.UserHash(ctx, "anna")
	if err != nil || !ok || u.Role != state.RoleAdmin {
		t.Fatalf("anna: %+v, %v, %v", u, ok, err)
	}
	if !passwd.Verify(hash, "correct horse battery") || strings.Contains(hash, "correct") {
		t.Errorf("anna's stored hash %q does not check her password, or holds it", hash)
	}
	if _, hash, _, _ := s.UserHash(ctx, "ben@example.com"); !passwd.Verify(hash, "viewer-password") {
		t.Error("a last line without a newline is not the whole password")
	}
	if admin, _ := s.HasAdmin(ctx); !admin {
		t.Error("no admin after user add --role admin")
	}
	entries, _, err := s.AuditLog(ctx, state.AuditQuery{Action: "user add"})
	if err != nil || len(entries) != 2 || !strings.HasPrefix(entries[0].User, "command line") || entries[1].Detail != "anna as admin" {
		t.Errorf("audit log: %+v, %v", entries, err)
	}

	res = mustRun(t, env, "", "users")
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "anna ") || !strings.Contains(lines[1], "admin") || !strings.Contains(lines[2], "viewer") {
		t.Errorf("users:\n%s", res.stdout)
	}
	var got []userJSON
	res = mustRun(t, env, "", "users", "--json")
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil || len(got) != 2 || got[1] != (userJSON{Name: "ben@example.com", Role: "viewer", Created: got[1].Created}) || got[1].Created.IsZero() {
		t.Errorf("users --json: %v\n%s", err, res.stdout)
	}
	if strings.Contains(res.stdout, "argon2") {
		t.Error("users --json shows password hashes")
	}
	if res := mustRun(t, withEnv(env, "STATE_DIR", t.TempDir()), "", "users", "--json"); strings.TrimSpace(res.stdout) != "[]" {
		t.Errorf("users --json without users = %q, want []", res.stdout)
	}
}

// Every mistake exits 2 and says what to do, and nothing is stored.
func TestUserMistakes(t *testing.T) {
	env, dir := userEnv(t)
	for _, c := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"no role", "long-enough-pw\n", []string{"user", "add", "anna"}, "--role is required"},
		{"unknown role", "long-enough-pw\n", []string{"user", "add", "anna", "--role", "root"}, `unknown role "root"`},
		{"bad name", "long-enough-pw\n", []string{"user", "add", "x y", "--role", "admin"}, "is not a user name"},
		{"short password", "short\n", []string{"user", "add", "anna", "--role", "admin"}, "password: has 5 characters, fewer than 8"},
		{"empty password", "\n", []string{"user", "add", "anna", "--role", "admin"}, "password: is empty"},
		{"no stdin", "", []string{"user", "add", "anna", "--role", "admin"}, "no password on stdin"},
		{"passwd of nobody", "long-enough-pw\n", []string{"user", "passwd", "nobody"}, "there is no user nobody"},
		{"remove nobody", "", []string{"user", "remove", "nobody"}, "there is no user nobody"},
		{"no name", "", []string{"user", "add", "--role", "admin"}, "accepts 1 arg"},
	} {
		res := runCLIWithInput(t, env, c.stdin, c.args...)
		if res.code != 2 || !strings.Contains(res.stderr, c.want) || !strings.Contains(res.stderr, "Try: ") {
			t.Errorf("%s: exit %d, want 2 and %q with a hint:\n%s", c.name, res.code, c.want, res.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, state.FileName)); err == nil {
		if users, _ := userState(t, dir).Users(context.Background()); len(users) != 0 {
			t.Errorf("a refused user was stored: %+v", users)
		}
	}

	mustRun(t, env, "first-password\n", "user", "add", "anna", "--role", "admin")
	res := runCLIWithInput(t, env, "second-password\n", "user", "add", "anna", "--role", "viewer")
	if res.code != 2 || !strings.Contains(res.stderr, "anna: the user exists already") || !strings.Contains(res.stderr, "dbbackup user passwd anna") {
		t.Errorf("adding anna twice: exit %d\n%s", res.code, res.stderr)
	}
	if _, hash, _, _ := userState(t, dir).UserHash(context.Background(), "anna"); !passwd.Verify(hash, "first-password") {
		t.Error("adding anna twice changed her password")
	}
	for _, args := range [][]string{{"user", "passwd", "nobody"}, {"user", "remove", "nobody"}} {
		if res := runCLIWithInput(t, env, "long-enough-pw\n", args...); res.code != 2 || !strings.Contains(res.stderr, "there is no user nobody") {
			t.Errorf("%v with users: exit %d\n%s", args, res.code, res.stderr)
		}
	}
}

// A new password, or the user's removal, logs the user out everywhere.
func TestUserPasswdAndRemoveEndSessions(t *testing.T) {
	env, dir := userEnv(t)
	mustRun(t, env, "first-password\n", "user", "add", "anna", "--role", "admin")
	mustRun(t, env, "viewer-password\n", "user", "add", "ben", "--role", "viewer")
	s := userState(t, dir)
	ctx := context.Background()
	now := time.Now()
	session := func(user string) string {
		tok, err := s.CreateSession(ctx, user, now)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	alive := func(tok string) bool {
		_, ok, err := s.Session(ctx, tok, now, time.Hour, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	anna, ben := session("anna"), session("ben")

	mustRun(t, env, "second-password\n", "user", "passwd", "anna")
	if _, hash, _, _ := s.UserHash(ctx, "anna"); !passwd.Verify(hash, "second-password") || passwd.Verify(hash, "first-password") {
		t.Error("user passwd did not replace the password")
	}
	if alive(anna) || !alive(ben) {
		t.Error("user passwd must end the user's sessions, and only the user's")
	}

	res := mustRun(t, env, "", "user", "remove", "anna")
	if !strings.Contains(res.stderr, "no admin is left") {
		t.Errorf("removing the last admin gives no warning:\n%s", res.stderr)
	}
	mustRun(t, env, "", "user", "remove", "ben")
	if alive(ben) {
		t.Error("a removed user's session is alive")
	}
	if res := mustRun(t, env, "", "users"); !strings.Contains(res.stdout, "No users yet") {
		t.Errorf("users after removing both:\n%s", res.stdout)
	}
}

// On a terminal the password is asked twice; a typo is refused rather
// than stored as a password nobody knows, and a short one is refused
// before it is typed again.
func TestAskTwice(t *testing.T) {
	answers := func(a ...string) func() ([]byte, error) {
		return func() ([]byte, error) {
			if len(a) == 0 {
				return nil, errors.New("EOF")
			}
			next := a[0]
			a = a[1:]
			return []byte(next), nil
		}
	}
	var prompts strings.Builder
	if pw, err := askTwice(answers("long-enough-pw", "long-enough-pw"), &prompts, "anna"); err != nil || pw != "long-enough-pw" {
		t.Errorf("the same twice: %q, %v", pw, err)
	}
	if prompts.String() != "Password for anna: \nThe same again: \n" {
		t.Errorf("prompts = %q", prompts.String())
	}
	if _, err := askTwice(answers("long-enough-pw", "long-enough-pX"), &prompts, "anna"); err == nil || !strings.Contains(err.Error(), "differ") {
		t.Errorf("two different: %v", err)
	}
	prompts.Reset()
	if _, err := askTwice(answers("short"), &prompts, "anna"); err == nil || strings.Contains(prompts.String(), "again") {
		t.Errorf("a short one: %v, prompts %q", err, prompts.String())
	}
}
