package web

import "github.com/dbbackup/dbbackup/internal/state"

// User is a person who may sign in; Role what they may do: a viewer sees
// everything and changes nothing. The state database keeps both.
type (
	User = state.User
	Role = state.Role
)

// The roles.
const (
	RoleAdmin  = state.RoleAdmin
	RoleViewer = state.RoleViewer
)
