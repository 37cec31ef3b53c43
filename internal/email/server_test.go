package email

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the test server took it.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool
}

// serverOpts shapes the in-process SMTP server.
type serverOpts struct {
	host       string      // "" is 127.0.0.1
	tls        *tls.Config // offers STARTTLS, or serves TLS at once when implicit
	implicit   bool
	users      map[string]string // offers AUTH PLAIN with these passwords
	insecure   bool              // offers AUTH without TLS
	rejectRcpt string            // answers 550 to this recipient
}

// server is a real SMTP server (github.com/emersion/go-smtp) that records
// what it receives.
type server struct {
	opts serverOpts
	Host string
	Port int

	mu       sync.Mutex
	messages []received
	logins   []string // user names that tried AUTH, whatever the outcome
}

func startServer(t *testing.T, opts serverOpts) *server {
	t.Helper()
	if opts.host == "" {
		opts.host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(opts.host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	s := &server{opts: opts, Host: opts.host, Port: ln.Addr().(*net.TCPAddr).Port}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: s, conn: c}, nil
	}))
	srv.Domain = "mail.test"
	srv.AllowInsecureAuth = opts.insecure
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if opts.tls != nil {
		srv.TLSConfig = opts.tls
		if opts.implicit {
			ln = tls.NewListener(ln, opts.tls)
		}
	}
	go srv.Serve(ln) // returns at Close, with nothing to report
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *server) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.messages...)
}

func (s *server) triedLogins() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.logins...)
}

type session struct {
	srv  *server
	conn *smtp.Conn
	msg  received
}

func (s *session) AuthMechanisms() []string {
	if s.srv.opts.users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		s.srv.mu.Lock()
		s.srv.logins = append(s.srv.logins, user)
		s.srv.mu.Unlock()
		if want, ok := s.srv.opts.users[user]; !ok || want != pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.msg = received{From: from}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.EqualFold(to, s.srv.opts.rejectRcpt) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = b
	_, s.msg.TLS = s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.messages = append(s.srv.messages, s.msg)
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.msg = received{} }
func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for localhost, 127.0.0.1 and 127.0.0.2,
// and the pool a client needs to trust it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "dbbackup test SMTP"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv4(127, 0, 0, 2)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}, pool
}

// silentListener accepts connections and never says a word: a server that
// hangs. It returns its port.
func silentListener(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}
