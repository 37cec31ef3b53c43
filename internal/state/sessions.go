package state

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"
)

// tokenBytes is a session token's size: 256 bits cannot be guessed.
const tokenBytes = 32

// touchEvery is how stale a session's last_seen may get before Session
// writes it again. Idle timeouts are hours; writing on every request
// would make each page view wait for SQLite's write lock behind a run.
const touchEvery = time.Minute

// tokenHash is what the store keeps of a token: a thief of the file
// cannot turn it back into a cookie. A fast hash suffices, as a token is
// random and as long as the hash.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession starts a session of user name at now and returns its
// token: 32 random bytes in base64url (no padding), for the cookie. Only
// the token's SHA-256 is stored. A login always makes a new token (the
// caller ends the old session with EndSession), so a token planted before
// the login is worthless after it. An unknown user is an error wrapping
// dbbackup.ErrNotFound.
func (s *Store) CreateSession(ctx context.Context, user string, now time.Time) (token string, err error) {
	defer func() { err = s.explain(err) }()
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("session token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	at := formatTime(now)
	res, err := s.db.ExecContext(ctx, `INSERT INTO sessions (token_sha256, user_name, created, last_seen)
		SELECT ?, name, ?, ? FROM users WHERE name = ?`, tokenHash(token), at, at, user)
	if err == nil {
		err = mustHaveOne(res, user)
	}
	if err != nil {
		return "", fmt.Errorf("start session of %s: %w", user, err)
	}
	return token, nil
}

// Session returns the user of the session token at now; ok is false for
// an unknown token, and for a session idle for idle or older than
// absolute, which is then ended. The user's role is read anew each time.
// A live session's last use becomes now (written at most once a
// minute), and expired sessions of every user are deleted meanwhile.
func (s *Store) Session(ctx context.Context, token string, now time.Time, idle, absolute time.Duration) (u User, ok bool, err error) {
	defer func() { err = s.explain(err) }()
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return User{}, false, nil
	}
	key := tokenHash(token)
	var created, lastSeen string
	row := s.db.QueryRowContext(ctx, `SELECT u.name, u.role, u.created, s.created, s.last_seen
		FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.token_sha256 = ?`, key)
	err = scanUser(scanAlso{row, []any{&created, &lastSeen}}, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, fmt.Errorf("read session: %w", err)
	}
	start, err := parseTime(created)
	if err != nil {
		return User{}, false, fmt.Errorf("read session: %w", err)
	}
	seen, err := parseTime(lastSeen)
	if err != nil {
		return User{}, false, fmt.Errorf("read session: %w", err)
	}
	live := now.Before(start.Add(absolute)) && now.Before(seen.Add(idle))
	if live && now.Sub(seen) < touchEvery {
		return u, true, nil
	}
	if err := s.touch(ctx, key, live, now, idle, absolute); err != nil {
		return User{}, false, err
	}
	return u, live, nil
}

// touch records a use of session key at now (or ends it when it is no
// longer live) and deletes every session expired at now.
func (s *Store) touch(ctx context.Context, key []byte, live bool, now time.Time, idle, absolute time.Duration) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	defer tx.Rollback()
	if live {
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE token_sha256 = ?`, formatTime(now), key)
	}
	if err == nil {
		// Text times in one fixed-width UTC layout compare in time order.
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE created <= ? OR last_seen <= ?`,
			formatTime(now.Add(-absolute)), formatTime(now.Add(-idle)))
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// EndSession ends the session token (a logout). An unknown token is not
// an error: the session is over either way.
func (s *Store) EndSession(ctx context.Context, token string) (err error) {
	defer func() { err = s.explain(err) }()
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE token_sha256 = ?`, tokenHash(token)); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// EndSessions ends every session of user name ("log out everywhere") and
// returns how many there were.
func (s *Store) EndSessions(ctx context.Context, user string) (n int64, err error) {
	defer func() { err = s.explain(err) }()
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_name = ?`, user)
	if err != nil {
		return 0, fmt.Errorf("end sessions of %s: %w", user, err)
	}
	return res.RowsAffected()
}
