package email

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// ErrInsecureAuth: credentials would cross the network unencrypted.
var ErrInsecureAuth = errors.New("refusing to send the SMTP password over a connection without TLS")

// errNoMechanism: the server offers no login dbbackup can use.
var errNoMechanism = errors.New("no usable login")

// isLocal reports whether host is this machine: a password sent there in
// plaintext never crosses a network.
func isLocal(host string) bool {
	switch strings.ToLower(strings.Trim(host, "[]")) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// checkCredentials is the one rule for credentials: they go only over TLS,
// or to this machine. It is asked twice: by New for a configuration that
// can never be encrypted, and by the SMTP dialogue once it knows whether
// STARTTLS happened (an attacker on the path can strip the offer).
func checkCredentials(host string, encrypted bool) error {
	if encrypted || isLocal(host) {
		return nil
	}
	return fmt.Errorf("%w to %s", ErrInsecureAuth, host)
}

// guardedAuth logs in with PLAIN or LOGIN, but only after checkCredentials
// agrees about the connection as it is at the moment of AUTH.
type guardedAuth struct {
	host, username, password string
	inner                    smtp.Auth
}

// Start implements smtp.Auth.
func (a *guardedAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if err := checkCredentials(a.host, server.TLS); err != nil {
		return "", nil, err
	}
	// The guard above has decided; go-mail's own localhost check is the
	// same rule and would only repeat it.
	switch {
	case slices.Contains(server.Auth, "PLAIN"):
		a.inner = smtp.PlainAuth("", a.username, a.password, a.host, true)
	case slices.Contains(server.Auth, "LOGIN"):
		a.inner = smtp.LoginAuth(a.username, a.password, a.host, true)
	case len(server.Auth) == 0:
		return "", nil, fmt.Errorf("%w: the server offers no AUTH, but a username is set", errNoMechanism)
	default:
		return "", nil, fmt.Errorf("%w: the server offers AUTH %s; dbbackup logs in with PLAIN or LOGIN", errNoMechanism, strings.Join(server.Auth, " "))
	}
	return a.inner.Start(server)
}

// Next implements smtp.Auth.
func (a *guardedAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	return a.inner.Next(fromServer, more)
}
