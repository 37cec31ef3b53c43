package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

func TestServeDefaultsListenOnThisMachineAlone(t *testing.T) {
	s, err := loadServe(filepath.Join(t.TempDir(), ".env"), false, mapEnv{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != "127.0.0.1:8080" || s.TLS != nil || s.BaseURL != "" || s.MetricsToken != "" || s.ShutdownWait != 0 {
		t.Errorf("defaults: %+v", s)
	}
}

func TestServeSettingsFromEnvFileAndEnvironment(t *testing.T) {
	cert, key := selfSigned(t)
	p := writeEnv(t, "SERVE_ADDR=0.0.0.0:9443\nSERVE_TLS_CERT="+cert+"\nSERVE_TLS_KEY="+key+"\nMETRICS_TOKEN=from-the-file-0123456789\n")
	s, err := loadServe(p, true, mapEnv{"SERVE_BASE_URL": "https://example.com/backup/", "SERVE_SHUTDOWN_WAIT": "10m",
		"METRICS_TOKEN": "from-the-environment-0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != "0.0.0.0:9443" || s.TLS == nil || s.BaseURL != "https://example.com/backup/" ||
		s.MetricsToken != "from-the-environment-0123456789" || s.ShutdownWait != 10*time.Minute {
		t.Errorf("settings: %+v", s)
	}
}

func TestBadServeSettingsNameTheVariable(t *testing.T) {
	cert, key := selfSigned(t)
	tests := []struct {
		env     mapEnv
		wantVar string
		words   string
	}{
		{mapEnv{"SERVE_ADDR": "8080"}, "SERVE_ADDR", "HOST:PORT"},
		{mapEnv{"SERVE_ADDR": "localhost:http-alt"}, "SERVE_ADDR", "65535"},
		{mapEnv{"SERVE_ADDR": "127.0.0.1:70000"}, "SERVE_ADDR", "65535"},
		{mapEnv{"SERVE_TLS_CERT": cert}, "SERVE_TLS_KEY", "not set"},
		{mapEnv{"SERVE_TLS_KEY": key}, "SERVE_TLS_CERT", "not set"},
		{mapEnv{"SERVE_TLS_CERT": key, "SERVE_TLS_KEY": key}, "SERVE_TLS_CERT", "PEM"},
		{mapEnv{"SERVE_TLS_CERT": cert, "SERVE_TLS_KEY": filepath.Join(t.TempDir(), "none.pem")}, "SERVE_TLS_CERT", "no such file"},
		{mapEnv{"SERVE_BASE_URL": "example.com/backup"}, "SERVE_BASE_URL", "absolute"},
		{mapEnv{"SERVE_BASE_URL": "ftp://example.com/"}, "SERVE_BASE_URL", "absolute"},
		{mapEnv{"SERVE_BASE_URL": "https://example.com/?a=b"}, "SERVE_BASE_URL", "query"},
		{mapEnv{"METRICS_TOKEN": "secret"}, "METRICS_TOKEN", "openssl rand"},
		{mapEnv{"SERVE_SHUTDOWN_WAIT": "10"}, "SERVE_SHUTDOWN_WAIT", "10m"},
		{mapEnv{"SERVE_SHUTDOWN_WAIT": "-1m"}, "SERVE_SHUTDOWN_WAIT", "0 stops"},
	}
	for _, tt := range tests {
		_, err := loadServe(filepath.Join(t.TempDir(), "none"), false, tt.env)
		var ce *dbbackup.ConfigError
		if !errors.As(err, &ce) || ce.Var != tt.wantVar || ce.Hint == "" {
			t.Errorf("%v: got %v, want a ConfigError naming %s with a hint", tt.env, err, tt.wantVar)
			continue
		}
		if !strings.Contains(ce.Problem+ce.Hint, tt.words) {
			t.Errorf("%v: %q / %q does not mention %s", tt.env, ce.Problem, ce.Hint, tt.words)
		}
	}
}

// selfSigned writes a certificate for localhost and its key, PEM.
func selfSigned(t *testing.T) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, key
}
