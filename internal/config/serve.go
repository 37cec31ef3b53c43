package config

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/dbbackup/dbbackup"
)

// DefaultServeAddr is where `dbbackup serve` listens unless SERVE_ADDR
// says otherwise: this machine alone.
const DefaultServeAddr = "127.0.0.1:8080"

// minMetricsToken is the shortest METRICS_TOKEN taken: a shorter one could
// be guessed.
const minMetricsToken = 16

// Serve is how `dbbackup serve` listens and who may read its metrics.
type Serve struct {
	Addr string // SERVE_ADDR: host:port
	// TLS is the certificate and key of SERVE_TLS_CERT and SERVE_TLS_KEY;
	// nil serves plain HTTP.
	TLS             *tls.Certificate
	TLSCert, TLSKey string
	// BaseURL is SERVE_BASE_URL: the address people open when a reverse
	// proxy stands in front; "" when unset.
	BaseURL      string
	MetricsToken string // METRICS_TOKEN: "" leaves /metrics to signed-in users
	// ShutdownWait is how long a running backup may go on after SIGTERM
	// (SERVE_SHUTDOWN_WAIT); 0 cancels it at once.
	ShutdownWait time.Duration
}

// LoadServe reads the SERVE_* variables and METRICS_TOKEN from envFile and
// the environment (which wins), and checks them: the certificate and key
// are loaded, so that a wrong file stops the server before it listens.
// Every problem is a *dbbackup.ConfigError naming its variable.
func LoadServe(envFile string, explicit bool) (*Serve, error) {
	return loadServe(envFile, explicit, osEnv{})
}

func loadServe(envFile string, explicit bool, e env) (*Serve, error) {
	file, err := readEnvFile(envFile, explicit)
	if err != nil {
		return nil, err
	}
	return parseServe(withDefaults(lookup(e, file)))
}

func parseServe(v func(name, def string) string) (*Serve, error) {
	s := &Serve{Addr: v("SERVE_ADDR", DefaultServeAddr), TLSCert: v("SERVE_TLS_CERT", ""), TLSKey: v("SERVE_TLS_KEY", ""),
		BaseURL: v("SERVE_BASE_URL", ""), MetricsToken: v("METRICS_TOKEN", "")}
	if err := checkAddr(s.Addr); err != nil {
		return nil, err
	}
	if err := s.loadTLS(); err != nil {
		return nil, err
	}
	if err := checkBaseURL(s.BaseURL); err != nil {
		return nil, err
	}
	if s.MetricsToken != "" && len(s.MetricsToken) < minMetricsToken {
		return nil, &dbbackup.ConfigError{Var: "METRICS_TOKEN", Problem: fmt.Sprintf("%d characters is too short to be secret", len(s.MetricsToken)),
			Hint: fmt.Sprintf("use at least %d random characters, e.g. from `openssl rand -hex 32`, or remove it", minMetricsToken)}
	}
	wait := v("SERVE_SHUTDOWN_WAIT", "0")
	var err error
	if s.ShutdownWait, err = time.ParseDuration(wait); err != nil || s.ShutdownWait < 0 {
		return nil, &dbbackup.ConfigError{Var: "SERVE_SHUTDOWN_WAIT", Problem: fmt.Sprintf("%q is not a duration", wait),
			Hint: "write how long a running backup may go on after SIGTERM, such as 10m or 90s; 0 stops it at once"}
	}
	return s, nil
}

func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		if n, perr := strconv.Atoi(port); perr != nil || n < 0 || n > 65535 {
			err = fmt.Errorf("port %q is not a number from 0 to 65535", port)
		}
	}
	if err != nil {
		return &dbbackup.ConfigError{Var: "SERVE_ADDR", Problem: fmt.Sprintf("%q: %v", addr, err),
			Hint: "write HOST:PORT: 127.0.0.1:8080 (this machine alone, the default) or 0.0.0.0:8080 (every address)"}
	}
	return nil
}

func (s *Serve) loadTLS() error {
	switch {
	case s.TLSCert == "" && s.TLSKey == "":
		return nil
	case s.TLSKey == "":
		return &dbbackup.ConfigError{Var: "SERVE_TLS_KEY", Problem: "not set, but SERVE_TLS_CERT is",
			Hint: "set SERVE_TLS_KEY to the certificate's private key file (PEM), or remove SERVE_TLS_CERT to serve plain HTTP"}
	case s.TLSCert == "":
		return &dbbackup.ConfigError{Var: "SERVE_TLS_CERT", Problem: "not set, but SERVE_TLS_KEY is",
			Hint: "set SERVE_TLS_CERT to the certificate file (PEM, with its chain), or remove SERVE_TLS_KEY to serve plain HTTP"}
	}
	cert, err := tls.LoadX509KeyPair(s.TLSCert, s.TLSKey)
	if err != nil {
		return &dbbackup.ConfigError{Var: "SERVE_TLS_CERT", Problem: fmt.Sprintf("%s with key %s: %v", s.TLSCert, s.TLSKey, plainError(err)),
			Hint: "point SERVE_TLS_CERT and SERVE_TLS_KEY at a PEM certificate and its private key that this user can read"}
	}
	s.TLS = &cert
	return nil
}

func checkBaseURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	problem := ""
	switch {
	case err != nil:
		problem = err.Error()
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		problem = fmt.Sprintf("%q is not an absolute http or https address", raw)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		problem = fmt.Sprintf("%q has a query, fragment or user name", raw)
	}
	if problem != "" {
		return &dbbackup.ConfigError{Var: "SERVE_BASE_URL", Problem: problem,
			Hint: "write the address people open, such as https://backup.example.com/ or https://example.com/dbbackup/"}
	}
	return nil
}
