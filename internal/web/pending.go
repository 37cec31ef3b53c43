package web

import (
	"context"
	"time"
)

// The users, sessions and audit log live in the state database
// (internal/state, issue 9). Until they land there, the server reaches
// them through accounts, and User and Role stand for state.User and
// state.Role: once they exist these become aliases of them, so code that
// uses User, RoleAdmin or userOf(r).Name keeps compiling.

// User is a person who may sign in (state.User).
type User struct {
	Name    string
	Role    Role
	Created time.Time
}

// Role is what a user may do (state.Role): a viewer sees everything and
// changes nothing.
type Role string

// The roles.
const (
	RoleAdmin  Role = "admin"
	RoleViewer Role = "viewer"
)

// accounts is what the server needs of the state database: users,
// sessions and the audit log (*state.Store).
type accounts interface {
	// UserHash returns the user name and its password hash; ok is false
	// when there is no such user.
	UserHash(ctx context.Context, name string) (u User, hash string, ok bool, err error)
	HasAdmin(ctx context.Context) (bool, error)
	// CreateSession starts a session for user and returns its token;
	// only a hash of the token is stored.
	CreateSession(ctx context.Context, user string, now time.Time) (token string, err error)
	// Session returns the user of the session token, touching it; ok is
	// false for an unknown token or one idle or older than the limits.
	Session(ctx context.Context, token string, now time.Time, idle, absolute time.Duration) (User, bool, error)
	EndSession(ctx context.Context, token string) error
	Audit(ctx context.Context, at time.Time, user, action, detail string) error
}
