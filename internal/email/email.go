// Package email sends the report of a run through an SMTP server: an HTML
// part for people and a plain-text part for everything else, rendered from
// embedded templates so that a web page can show the same report.
package email

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	gomail "github.com/wneessen/go-mail"
)

// TLSMode is how the connection to the SMTP server is encrypted (SMTP_TLS).
type TLSMode string

// The TLS modes. TLSAuto upgrades with STARTTLS when the server offers it.
const (
	TLSAuto     TLSMode = ""
	TLSNone     TLSMode = "none"
	TLSStartTLS TLSMode = "starttls"
	TLSImplicit TLSMode = "tls"
)

// When says which runs are reported (EMAIL_ON).
type When string

// The choices of When; "" means Always.
const (
	Always    When = "always"
	OnFailure When = "failure"
	Never     When = "never"
)

// Config is the SMTP server and the addresses of the report. The zero value
// of each field, except To, has a working default.
type Config struct {
	Host     string // "" is localhost
	Port     int    // 0 is 25, or 465 with TLSImplicit
	Username string // "" sends without logging in
	Password string
	TLS      TLSMode
	// TLSConfig, if set, replaces the default certificate checks, e.g. to
	// trust a private CA. By default a remote host's certificate is
	// checked against the system's roots; a local one's is not checked.
	TLSConfig *tls.Config
	From      string   // "" is dbbackup@<this machine's name>
	To        []string // at least one
	On        When
	Timeout   time.Duration // bounds each step of the dialogue; 0 is 30s
}

// Notifier sends run reports by email.
type Notifier struct {
	cfg Config
	log *slog.Logger
}

var _ dbbackup.Reporter = (*Notifier)(nil)

// New checks cfg and fills in its defaults. It does not connect. A nil log
// logs nothing.
func New(cfg Config, log *slog.Logger) (*Notifier, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Host == "" {
		cfg.Host = "localhost"
	}
	if cfg.Port == 0 {
		cfg.Port = 25
		if cfg.TLS == TLSImplicit {
			cfg.Port = 465
		}
	}
	if cfg.On == "" {
		cfg.On = Always
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.From == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "localhost"
		}
		cfg.From = "dbbackup@" + host
	}
	if err := validate(cfg); err != nil {
		return nil, err
	}
	return &Notifier{cfg: cfg, log: log.WithGroup("email")}, nil
}

func validate(cfg Config) error {
	switch {
	case cfg.Port < 1 || cfg.Port > 65535:
		return &dbbackup.ConfigError{Var: "SMTP_PORT", Problem: fmt.Sprintf("%d is not a port", cfg.Port), Hint: "use 25, 465 or 587"}
	case cfg.TLS != TLSAuto && cfg.TLS != TLSNone && cfg.TLS != TLSStartTLS && cfg.TLS != TLSImplicit:
		return &dbbackup.ConfigError{Var: "SMTP_TLS", Problem: fmt.Sprintf("unknown mode %q", cfg.TLS), Hint: "use none, starttls or tls, or leave it empty for STARTTLS when offered"}
	case cfg.On != Always && cfg.On != OnFailure && cfg.On != Never:
		return &dbbackup.ConfigError{Var: "EMAIL_ON", Problem: fmt.Sprintf("unknown choice %q", cfg.On), Hint: "use always, failure or never"}
	case len(cfg.To) == 0:
		return &dbbackup.ConfigError{Var: "EMAIL_TO", Problem: "no recipient", Hint: "set EMAIL_TO to one or more addresses, separated by commas"}
	}
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		return &dbbackup.ConfigError{Var: "EMAIL_FROM", Problem: fmt.Sprintf("%q is not an address: %v", cfg.From, err), Hint: "use e.g. backup@example.com"}
	}
	for _, to := range cfg.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return &dbbackup.ConfigError{Var: "EMAIL_TO", Problem: fmt.Sprintf("%q is not an address: %v", to, err), Hint: "separate addresses with commas"}
		}
	}
	if cfg.Username != "" && cfg.TLS == TLSNone {
		if err := checkCredentials(cfg.Host, false); err != nil {
			return &dbbackup.ConfigError{Var: "SMTP_TLS", Problem: err.Error(), Hint: "use SMTP_TLS=starttls or tls, or a relay on localhost"}
		}
	}
	return nil
}

// Addr is the server's host:port.
func (n *Notifier) Addr() string { return net.JoinHostPort(n.cfg.Host, strconv.Itoa(n.cfg.Port)) }

// Wants reports whether the outcome is to be reported under On.
func (n *Notifier) Wants(o *dbbackup.Outcome) bool { return n.wants(o.OK()) }

func (n *Notifier) wants(ok bool) bool {
	switch n.cfg.On {
	case Never:
		return false
	case OnFailure:
		return !ok
	}
	return true
}

// Render implements dbbackup.Reporter; it is the package's Render.
func (n *Notifier) Render(o *dbbackup.Outcome) (subject, text, html string, err error) {
	return Render(o)
}

// Notify implements dbbackup.Notifier. It returns nil without sending when
// On says this outcome is not reported. Errors carry a hint for the user.
func (n *Notifier) Notify(ctx context.Context, o *dbbackup.Outcome) error {
	return n.notify(ctx, o.OK(), func() (string, string, string, error) { return Render(o) })
}

// notify renders and sends a report of an outcome that ok says how it
// ended, unless On does not ask for it.
func (n *Notifier) notify(ctx context.Context, ok bool, render func() (subject, text, html string, err error)) error {
	if !n.wants(ok) {
		n.log.Debug("report not sent", "on", string(n.cfg.On), "ok", ok)
		return nil
	}
	subject, text, html, err := render()
	if err != nil {
		return fmt.Errorf("render the report: %w", err)
	}
	if err := n.send(ctx, subject, text, html); err != nil {
		return err
	}
	n.log.Info("report sent", "server", n.Addr(), "to", strings.Join(n.cfg.To, ", "), "subject", subject)
	return nil
}

// send sends one message to the recipients: text, and html as its
// alternative when not "".
func (n *Notifier) send(ctx context.Context, subject, text, html string) error {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(n.cfg.From); err != nil {
		return fmt.Errorf("report sender: %w", err)
	}
	if err := msg.To(n.cfg.To...); err != nil {
		return fmt.Errorf("report recipients: %w", err)
	}
	msg.Subject(subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetUserAgent("dbbackup " + dbbackup.Version)
	// RFC 3834: tells vacation responders not to answer a machine.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, text)
	if html != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, html)
	}

	client, err := gomail.NewClient(n.cfg.Host, n.options()...)
	if err != nil {
		return fmt.Errorf("SMTP client for %s: %w", n.Addr(), err)
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return n.explain(err)
	}
	return nil
}

// options turns the Config into go-mail's settings.
func (n *Notifier) options() []gomail.Option {
	tc := &tls.Config{ServerName: n.cfg.Host, MinVersion: tls.VersionTLS12}
	// A relay on this machine usually has a self-signed certificate (the
	// "snakeoil" one Debian's Postfix offers STARTTLS with), and no byte to
	// it leaves the machine: nothing for a certificate check to protect.
	tc.InsecureSkipVerify = isLocal(n.cfg.Host)
	if n.cfg.TLSConfig != nil {
		tc = n.cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = n.cfg.Host
		}
	}
	opts := []gomail.Option{
		gomail.WithPort(n.cfg.Port),
		gomail.WithTimeout(n.cfg.Timeout),
		gomail.WithTLSConfig(tc),
		gomail.WithDialContextFunc(n.dialer(tc)),
	}
	switch n.cfg.TLS {
	case TLSAuto:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSNone, TLSImplicit:
		// Implicit TLS is set up by the dialer; STARTTLS is not tried.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if n.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuthCustom(&guardedAuth{
			host: n.cfg.Host, username: n.cfg.Username, password: n.cfg.Password,
		}))
	}
	return opts
}

// dialer connects to Addr itself: go-mail would join an IPv6 host and the
// port without brackets, and its own implicit-TLS dialer is bypassed as soon
// as a dialer is given, so TLSImplicit is handled here.
func (n *Notifier) dialer(tc *tls.Config) gomail.DialContextFunc {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		d := &net.Dialer{Timeout: n.cfg.Timeout}
		if n.cfg.TLS == TLSImplicit {
			return (&tls.Dialer{NetDialer: d, Config: tc}).DialContext(ctx, network, n.Addr())
		}
		return d.DialContext(ctx, network, n.Addr())
	}
}
