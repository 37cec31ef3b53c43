package state

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const (
	idle     = 12 * time.Hour
	absolute = 7 * 24 * time.Hour
)

func sessionStore(t *testing.T) *Store {
	t.Helper()
	s := openStore(t, t.TempDir())
	for _, u := range []struct {
		name string
		role Role
	}{{"anna", RoleAdmin}, {"ben", RoleViewer}} {
		if err := s.AddUser(context.Background(), u.name, u.role, "$argon2id$"+u.name); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func login(t *testing.T, s *Store, user string, at time.Time) string {
	t.Helper()
	tok, err := s.CreateSession(context.Background(), user, at)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// alive reports whether token is a session at now, and checks its user.
func alive(t *testing.T, s *Store, token, user string, now time.Time) bool {
	t.Helper()
	u, ok, err := s.Session(context.Background(), token, now, idle, absolute)
	if err != nil {
		t.Fatal(err)
	}
	if ok && u.Name != user {
		t.Fatalf("session of %s is %s's", user, u.Name)
	}
	return ok
}

func TestSessionToken(t *testing.T) {
	s := sessionStore(t)
	a, b := login(t, s, "anna", t0), login(t, s, "anna", t0)
	if a == b {
		t.Error("two logins got one token: a login must make a new one")
	}
	raw, err := base64.RawURLEncoding.DecodeString(a)
	if err != nil || len(raw) != 32 {
		t.Errorf("token %q is not 32 bytes of base64url: %v", a, err)
	}
	if !alive(t, s, a, "anna", t0) || !alive(t, s, b, "anna", t0) {
		t.Error("a new session is not alive")
	}
	for _, wrong := range []string{"", "x", a[:len(a)-1] + "A", b + "A"} {
		if wrong != a && alive(t, s, wrong, "anna", t0) {
			t.Errorf("token %q opens a session", wrong)
		}
	}
	if _, err := s.CreateSession(context.Background(), "nobody", t0); err == nil {
		t.Error("a session for an unknown user")
	}
}

// The file must never hold what the cookie holds: whoever copies it
// cannot log in with it.
func TestSessionTokenNotStoredInClear(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	if err := s.AddUser(context.Background(), "anna", RoleAdmin, "$argon2id$anna"); err != nil {
		t.Fatal(err)
	}
	tok := login(t, s, "anna", t0)
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	s.Close()
	files, _ := filepath.Glob(filepath.Join(dir, FileName+"*")) // with -wal
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(tok)) || bytes.Contains(b, raw) {
			t.Errorf("%s holds the session token in clear", filepath.Base(f))
		}
	}
	s = openStore(t, dir)
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM sessions WHERE token_sha256 = ?`, tokenHash(tok)).Scan(&n); err != nil || n != 1 {
		t.Errorf("the token's SHA-256 is not what is kept: %d rows, %v", n, err)
	}
}

func TestSessionExpiry(t *testing.T) {
	s := sessionStore(t)
	tok := login(t, s, "anna", t0)
	// Used every 11 hours, the session lives until the absolute limit.
	now := t0
	for now.Add(11 * time.Hour).Before(t0.Add(absolute)) {
		now = now.Add(11 * time.Hour)
		if !alive(t, s, tok, "anna", now) {
			t.Fatalf("session used every 11 h ended after %v", now.Sub(t0))
		}
	}
	if alive(t, s, tok, "anna", t0.Add(absolute)) {
		t.Error("session alive at the absolute limit")
	}
	if alive(t, s, tok, "anna", t0.Add(time.Hour)) {
		t.Error("an expired session came back: it must be ended, not only refused")
	}

	idleTok := login(t, s, "ben", t0)
	if !alive(t, s, idleTok, "ben", t0.Add(idle-time.Second)) {
		t.Fatal("session ended before it was idle for 12 h")
	}
	if alive(t, s, idleTok, "ben", t0.Add(2*idle-time.Second)) {
		t.Error("session idle for 12 h is alive")
	}
}

// Frequent requests do not each write: last_seen moves at most once a
// minute, and that is enough for the idle timeout.
func TestSessionTouchedOncePerMinute(t *testing.T) {
	s := sessionStore(t)
	tok := login(t, s, "anna", t0)
	lastSeen := func() string {
		var at string
		if err := s.db.QueryRow(`SELECT last_seen FROM sessions`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	alive(t, s, tok, "anna", t0.Add(30*time.Second))
	if got := lastSeen(); got != formatTime(t0) {
		t.Errorf("last_seen written after 30 s: %s", got)
	}
	alive(t, s, tok, "anna", t0.Add(90*time.Second))
	if got := lastSeen(); got != formatTime(t0.Add(90*time.Second)) {
		t.Errorf("last_seen not written after 90 s: %s", got)
	}
}

func TestSessionEnds(t *testing.T) {
	ctx := context.Background()
	s := sessionStore(t)
	a1, a2, b := login(t, s, "anna", t0), login(t, s, "anna", t0), login(t, s, "ben", t0)

	if err := s.EndSession(ctx, a1); err != nil {
		t.Fatal(err)
	}
	if alive(t, s, a1, "anna", t0) || !alive(t, s, a2, "anna", t0) {
		t.Error("EndSession must end that session, and only it")
	}
	if err := s.EndSession(ctx, a1); err != nil {
		t.Errorf("ending an ended session: %v", err)
	}

	// A new password logs out whoever knew the old one.
	if err := s.SetPassword(ctx, "anna", "$argon2id$new"); err != nil {
		t.Fatal(err)
	}
	if alive(t, s, a2, "anna", t0) {
		t.Error("a session survived a password change")
	}
	if !alive(t, s, b, "ben", t0) {
		t.Error("ben's session ended with anna's password change")
	}

	// A role change applies to live sessions at once.
	if err := s.SetRole(ctx, "ben", RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if u, _, _ := s.Session(ctx, b, t0, idle, absolute); u.Role != RoleAdmin {
		t.Errorf("role in session after SetRole = %q", u.Role)
	}

	if _, err := s.RemoveUser(ctx, "ben"); err != nil {
		t.Fatal(err)
	}
	if alive(t, s, b, "ben", t0) {
		t.Error("a removed user's session is alive")
	}

	c1, c2 := login(t, s, "anna", t0), login(t, s, "anna", t0)
	if n, err := s.EndSessions(ctx, "anna"); err != nil || n != 2 {
		t.Errorf("EndSessions = %d, %v", n, err)
	}
	if alive(t, s, c1, "anna", t0) || alive(t, s, c2, "anna", t0) {
		t.Error("a session survived EndSessions")
	}
}
