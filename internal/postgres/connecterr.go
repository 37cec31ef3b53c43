package postgres

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// ConnectError is a connection that failed, said in one line: which server
// and why, each reason once (pgx lists every attempt, and libpq's
// sslmode=prefer makes two to the same address).
type ConnectError struct {
	Target string // user@host:port/database, without the password
	// Code is the SQLSTATE when the server itself refused (28P01: wrong
	// password, 28000: the user may not connect, 3D000: no such
	// database); "" when it was not reached.
	Code    string
	reasons []string
	err     error
}

func (e *ConnectError) Error() string {
	return "cannot connect to " + e.Target + ": " + strings.Join(e.reasons, "; ")
}

func (e *ConnectError) Unwrap() error { return e.err }

func connectError(target string, err error) *ConnectError {
	e := &ConnectError{Target: target, err: err}
	seen := map[string]bool{}
	var walk func(error)
	walk = func(err error) {
		if multi, ok := err.(interface{ Unwrap() []error }); ok { // one error per attempt
			for _, inner := range multi.Unwrap() {
				walk(inner)
			}
			return
		}
		reason := ""
		var pgErr *pgconn.PgError
		var errno syscall.Errno
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &pgErr):
			e.Code, reason = pgErr.Code, pgErr.Message
		case errors.As(err, &dnsErr):
			reason = "no host " + dnsErr.Name + " found"
		case errors.As(err, &errno):
			reason = errno.Error()
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
			reason = "no answer in time"
		default:
			if inner := errors.Unwrap(err); inner != nil {
				walk(inner)
				return
			}
			reason = err.Error()
		}
		if !seen[reason] {
			seen[reason] = true
			e.reasons = append(e.reasons, reason)
		}
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) && ce.Unwrap() != nil {
		walk(ce.Unwrap())
	} else {
		walk(err)
	}
	return e
}
