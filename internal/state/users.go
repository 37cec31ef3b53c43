package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/dbbackup/dbbackup"
)

// Role is what a user of the web UI may do.
type Role string

// The roles. A viewer sees everything an admin sees and changes nothing.
const (
	RoleAdmin  Role = "admin"
	RoleViewer Role = "viewer"
)

// ParseRole reads a role as a person types it.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleAdmin, RoleViewer:
		return r, nil
	}
	return "", &dbbackup.ConfigError{Var: "role", Problem: fmt.Sprintf("unknown role %q", s),
		Hint: "use admin (may change things) or viewer (sees everything, changes nothing)"}
}

// User is a user of the web UI. Its password hash is read only through
// UserHash, so that a list of users never carries one.
type User struct {
	Name    string
	Role    Role
	Created time.Time // local time zone
}

// ErrUserExists is AddUser's error for a name that is taken.
var ErrUserExists = errors.New("the user exists already")

var userName = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$`)

// CheckUserName refuses a name a person could not type or tell apart in a
// list: up to 64 letters, digits, '.', '_', '@' and '-', starting with a
// letter or digit (so an e-mail address is a name).
func CheckUserName(name string) error {
	if !userName.MatchString(name) {
		return &dbbackup.ConfigError{Var: "NAME", Problem: fmt.Sprintf("%q is not a user name", name),
			Hint: "use up to 64 letters, digits, . _ @ and -, starting with a letter or digit: anna, ops@example.com"}
	}
	return nil
}

// AddUser stores a new user with the password hash hash (from
// passwd.Hash; this package never sees a password). A taken name is an
// error wrapping ErrUserExists; a name CheckUserName refuses, its
// *dbbackup.ConfigError.
func (s *Store) AddUser(ctx context.Context, name string, role Role, hash string) (err error) {
	defer func() { err = s.explain(err) }()
	if err := CheckUserName(name); err != nil {
		return err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	if hash == "" {
		return fmt.Errorf("add user %s: no password hash", name)
	}
	now := formatTime(time.Now())
	res, err := s.db.ExecContext(ctx, `INSERT INTO users (name, role, hash, created, updated) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, name, role, hash, now, now)
	if err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err == nil {
			err = dbbackup.WithHint(ErrUserExists, "change the password with `dbbackup user passwd %s`, or choose another name", name)
		}
		return fmt.Errorf("add user %s: %w", name, err)
	}
	return nil
}

// SetPassword replaces the password hash of user name and ends every
// session of the user: whoever knew the old password is logged out. An
// unknown user is an error wrapping dbbackup.ErrNotFound.
func (s *Store) SetPassword(ctx context.Context, name, hash string) (err error) {
	defer func() { err = s.explain(err) }()
	if hash == "" {
		return fmt.Errorf("set password of %s: no password hash", name)
	}
	return s.changeUser(ctx, name, "set password of", `UPDATE users SET hash = ?, updated = ? WHERE name = ?`,
		hash, formatTime(time.Now()), name)
}

// SetRole changes the role of user name. The user's sessions stay: each
// request reads the role anew (Session), so the change applies at once.
// An unknown user is an error wrapping dbbackup.ErrNotFound.
func (s *Store) SetRole(ctx context.Context, name string, role Role) (err error) {
	defer func() { err = s.explain(err) }()
	if _, err := ParseRole(string(role)); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET role = ?, updated = ? WHERE name = ?`, role, formatTime(time.Now()), name)
	if err == nil {
		err = mustHaveOne(res, name)
	}
	if err != nil {
		return fmt.Errorf("set role of %s: %w", name, err)
	}
	return nil
}

// changeUser runs update on user name and ends the user's sessions, in
// one transaction.
func (s *Store) changeUser(ctx context.Context, name, what, update string, args ...any) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, name, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, update, args...)
	if err == nil {
		err = mustHaveOne(res, name)
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_name = ?`, name)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, name, err)
	}
	return nil
}

// mustHaveOne says "no such user" when res changed no row.
func mustHaveOne(res sql.Result, name string) error {
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = dbbackup.WithHint(fmt.Errorf("no user %s: %w", name, dbbackup.ErrNotFound), "`dbbackup users` lists them")
	}
	return err
}

// RemoveUser deletes user name and ends the user's sessions; ok is false
// when there was no such user. What the user did stays in the audit log.
func (s *Store) RemoveUser(ctx context.Context, name string) (ok bool, err error) {
	defer func() { err = s.explain(err) }()
	// Sessions go with the user (ON DELETE CASCADE).
	res, err := s.db.ExecContext(ctx, `DELETE FROM users WHERE name = ?`, name)
	if err != nil {
		return false, fmt.Errorf("remove user %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Users returns every user, sorted by name.
func (s *Store) Users(ctx context.Context) (users []User, err error) {
	defer func() { err = s.explain(err) }()
	err = each(ctx, s.db, `SELECT name, role, created FROM users ORDER BY name`, func(rows *sql.Rows) error {
		var u User
		err := scanUser(rows, &u)
		users = append(users, u)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// UserHash returns user name and its password hash, for a login; ok is
// false when there is no such user. A login should then still call
// passwd.Verify("", password), so that it takes as long.
func (s *Store) UserHash(ctx context.Context, name string) (u User, hash string, ok bool, err error) {
	defer func() { err = s.explain(err) }()
	row := s.db.QueryRowContext(ctx, `SELECT name, role, created, hash FROM users WHERE name = ?`, name)
	err = scanUser(scanAlso{row, []any{&hash}}, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, "", false, nil
	}
	if err != nil {
		return User{}, "", false, fmt.Errorf("read user %s: %w", name, err)
	}
	return u, hash, true, nil
}

// HasAdmin reports whether any user is an admin: `serve` refuses to
// listen beyond loopback until one is.
func (s *Store) HasAdmin(ctx context.Context) (ok bool, err error) {
	defer func() { err = s.explain(err) }()
	err = s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE role = ?)`, RoleAdmin).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("look for an admin: %w", err)
	}
	return ok, nil
}

func scanUser(row interface{ Scan(...any) error }, u *User) error {
	var created string
	if err := row.Scan(&u.Name, &u.Role, &created); err != nil {
		return err
	}
	var err error
	u.Created, err = parseTime(created)
	return err
}
