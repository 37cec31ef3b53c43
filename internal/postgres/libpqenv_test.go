package postgres

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"

	"github.com/dbbackup/dbbackup/internal/libpq"
	"reflect"
	"strings"
	"testing"
	"time"
)

// clearPGEnv empties every variable pgx reads, so the machine's cannot
// leak into a case.
func clearPGEnv(t *testing.T) {
	t.Helper()
	for name := range libpq.Vars {
		t.Setenv(name, "") // restored when the test ends
		os.Unsetenv(name)  // set but empty is not unset for pgx
	}
}

func TestLibpqEnv(t *testing.T) {
	clearPGEnv(t)
	ca := caFile(t)
	tests := []struct {
		in       string
		want     []string
		password string
		database string
	}{
		{"", []string{"PGSSLMODE=prefer"}, "", ""},
		{"postgres://bob:s%40cret@db.example:6432/shop?sslmode=require&pool_max_conns=4",
			[]string{"PGDATABASE=shop", "PGHOST=db.example", "PGPORT=6432", "PGSSLMODE=require", "PGUSER=bob"}, "s@cret", "shop"},
		{"postgresql://a:5432,b:5433/db", []string{"PGDATABASE=db", "PGHOST=a,b", "PGPORT=5432,5433", "PGSSLMODE=prefer"}, "", "db"},
		{"postgresql://[::1]:5432/db", []string{"PGDATABASE=db", "PGHOST=::1", "PGPORT=5432", "PGSSLMODE=prefer"}, "", "db"},
		{"postgresql:///db?host=/var/run/postgresql", []string{"PGDATABASE=db", "PGHOST=/var/run/postgresql", "PGSSLMODE=prefer"}, "", "db"},
		{`host=localhost user=x password='it\'s' dbname='my db'`,
			[]string{"PGDATABASE=my db", "PGHOST=localhost", "PGSSLMODE=prefer", "PGUSER=x"}, "it's", "my db"},
		{`password='a\'b c' port=5433`, []string{"PGPORT=5433", "PGSSLMODE=prefer"}, "a'b c", ""},
		// The main connection's security travels with it.
		{"postgres://h/db?sslmode=verify-full&sslrootcert=" + ca + "&sslsni=0&require_auth=scram-sha-256&channel_binding=require",
			[]string{"PGCHANNELBINDING=require", "PGDATABASE=db", "PGHOST=h", "PGREQUIREAUTH=scram-sha-256",
				"PGSSLMODE=verify-full", "PGSSLROOTCERT=" + ca, "PGSSLSNI=0"}, "", "db"},
		{"postgres://h/db?ssl=true", []string{"PGDATABASE=db", "PGHOST=h", "PGSSLMODE=require"}, "", "db"},
	}
	for _, tt := range tests {
		got, err := LibpqEnv(tt.in)
		if err != nil {
			t.Errorf("LibpqEnv(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got.Env, tt.want) || got.Password != tt.password || got.Database != tt.database {
			t.Errorf("LibpqEnv(%q)\n got %q %q %q\nwant %q %q %q", tt.in, got.Env, got.Password, got.Database, tt.want, tt.password, tt.database)
		}
		if strings.Contains(strings.Join(got.Env, " "), "PGPASSWORD") {
			t.Errorf("LibpqEnv(%q) put the password in the environment", tt.in)
		}
	}
	for _, bad := range []string{"host", "password='open", "password='a'b c' port=x", "postgres://h/db?sslpassword=x", "postgres://h/db?service=shop", "host=h krbspn=x"} {
		if _, err := LibpqEnv(bad); err == nil {
			t.Errorf("LibpqEnv(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "b c") || strings.Contains(err.Error(), "open") {
			t.Errorf("LibpqEnv(%q): the error shows the password: %v", bad, err)
		}
	}
}

// The PG* variables pgx reads are part of the connection, as for pgx;
// the connection string wins over them.
func TestLibpqEnvReadsPGVariablesAsPgx(t *testing.T) {
	clearPGEnv(t)
	t.Setenv("PGHOST", "envhost")
	t.Setenv("PGSSLMODE", "verify-ca")
	t.Setenv("PGPASSWORD", "envsecret")
	t.Setenv("PGGSSENCMODE", "disable") // not read by pgx: not passed on
	got, err := LibpqEnv("dbname=shop host=stringhost")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PGDATABASE=shop", "PGHOST=stringhost", "PGSSLMODE=verify-ca"}
	if !reflect.DeepEqual(got.Env, want) || got.Password != "envsecret" || got.PasswordInString {
		t.Errorf("got %q %q %v, want %q envsecret false", got.Env, got.Password, got.PasswordInString, want)
	}
}

// caFile writes a self-signed CA certificate, for pgx to load.
func caFile(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pgx masks a password only where it finds one: the main connection's
// error shows none of a malformed string's password either.
func TestNewErrorShowsNoPassword(t *testing.T) {
	clearPGEnv(t)
	_, err := New(`password='a\'b c' port=5433 sslcertmode=bogus`, 0)
	if err == nil || strings.Contains(err.Error(), "c'") {
		t.Errorf("New: %v", err)
	}
}
