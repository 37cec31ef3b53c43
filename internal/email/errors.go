package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"strings"

	"github.com/dbbackup/dbbackup"
	gomail "github.com/wneessen/go-mail"
)

// explain turns a failed send into an error that names the server and
// says, in its hint, which setting to look at. The owner reads it in the
// cron log, the one place left when the email itself does not arrive.
func (n *Notifier) explain(err error) error {
	what, hint := classify(err, n.cfg)
	// go-mail prefixes "dial failed: " to everything before MAIL FROM,
	// logins and TLS included; what says better what failed.
	for _, prefix := range []string{"dial failed: ", "send failed: "} {
		if inner := errors.Unwrap(err); inner != nil && strings.HasPrefix(err.Error(), prefix) {
			err = inner
		}
	}
	return dbbackup.WithHint(fmt.Errorf("send the report email via %s: %s: %w", n.Addr(), what, err), "%s", hint)
}

// classify names what went wrong and what to do about it.
func classify(err error, cfg Config) (what, hint string) {
	var (
		send     *gomail.SendError
		proto    *textproto.Error
		dns      *net.DNSError
		op       *net.OpError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, ErrInsecureAuth):
		return "the connection is not encrypted",
			"set SMTP_TLS=starttls (port 587) or SMTP_TLS=tls (port 465) so the password travels encrypted, or send through a relay on localhost"
	case errors.Is(err, errNoMechanism):
		return "cannot log in", "leave SMTP_USERNAME and SMTP_PASSWORD empty if the server takes mail without a login"
	case errors.Is(err, context.Canceled):
		return "canceled", "the run was stopped before the report went out"
	case errors.As(err, &dns):
		return "unknown host", "check SMTP_HOST"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Sprintf("no answer within %s", cfg.Timeout),
			"check that SMTP_HOST and SMTP_PORT point to an SMTP server and that no firewall drops the connection"
	case errors.As(err, &op) && op.Op == "dial":
		return "cannot connect", fmt.Sprintf("check that an SMTP server is running there (try `nc -v %s %d`) and that SMTP_HOST and SMTP_PORT are right",
			cfg.Host, cfg.Port)
	case errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		return "the server's TLS certificate is not trusted",
			"give the server a certificate for SMTP_HOST from an authority this machine trusts, or add its CA to the system's trust store"
	case errors.As(err, &record):
		return "the server does not speak TLS on this port",
			"SMTP_TLS=tls is for port 465; use SMTP_TLS=starttls for ports 25 and 587"
	case strings.Contains(err.Error(), "does not support STARTTLS"):
		return "the server does not offer STARTTLS",
			"use SMTP_TLS=tls if the server takes TLS on port 465, or leave SMTP_TLS empty to encrypt only when offered"
	case errors.As(err, &send) && send.Reason == gomail.ErrSMTPRcptTo:
		return "a recipient was refused",
			"check EMAIL_TO; a server that does not relay for this machine accepts only its own addresses"
	case errors.As(err, &send) && send.Reason == gomail.ErrSMTPMailFrom:
		return "the sender was refused", "check EMAIL_FROM: use an address the server accepts as sender"
	case errors.As(err, &proto) && (proto.Code == 535 || proto.Code == 534):
		return "login refused", "check SMTP_USERNAME and SMTP_PASSWORD"
	case errors.As(err, &proto) && proto.Code == 530:
		return "the server requires a login", "set SMTP_USERNAME and SMTP_PASSWORD"
	}
	return "the server refused the message", "read the SMTP server's log; the backup itself is not affected by this"
}
