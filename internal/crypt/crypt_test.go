package crypt

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/dbbackup/dbbackup"
	"golang.org/x/crypto/ssh"
)

func newKey(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func encode(t *testing.T, e *Encoder, name string, f dbbackup.Format, plain []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := e.Encode(name, f, &out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func decode(t *testing.T, stored []byte, enc dbbackup.Encoding, ids ...age.Identity) ([]byte, error) {
	t.Helper()
	r, err := Decode(bytes.NewReader(stored), enc, ids)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// What each file becomes: zstd only for csv and json text, age for every
// file; and the stored bytes come back as the exported ones.
func TestEncodeDecode(t *testing.T) {
	key := newKey(t)
	plain := bytes.Repeat([]byte(`{"id":1,"name":"a row of text that repeats"},`), 20000)
	for _, tc := range []struct {
		name       string
		format     dbbackup.Format
		recipients []age.Recipient
		compress   string
		want       dbbackup.Encoding
	}{
		{"b.json", dbbackup.FormatJSON, nil, "zstd", dbbackup.Encoding{Compression: "zstd"}},
		{"b.csv", dbbackup.FormatCSV, nil, "zstd", dbbackup.Encoding{Compression: "zstd"}},
		{"b.csv.zip", dbbackup.FormatCSV, nil, "zstd", dbbackup.Encoding{}},
		{"b.xlsx", dbbackup.FormatXLSX, nil, "zstd", dbbackup.Encoding{}},
		{"b.dump", dbbackup.FormatDump, nil, "zstd", dbbackup.Encoding{}},
		{"b.json", dbbackup.FormatJSON, []age.Recipient{key.Recipient()}, "", dbbackup.Encoding{Encrypted: true}},
		{"b.json", dbbackup.FormatJSON, []age.Recipient{key.Recipient()}, "zstd", dbbackup.Encoding{Compression: "zstd", Encrypted: true}},
		{"b.csv.zip", dbbackup.FormatCSV, []age.Recipient{key.Recipient()}, "zstd", dbbackup.Encoding{Encrypted: true}},
		{"b.schema.sql", dbbackup.Format("schema"), []age.Recipient{key.Recipient()}, "zstd", dbbackup.Encoding{Encrypted: true}},
	} {
		e := New(tc.recipients, tc.compress)
		if got := e.Encoding(tc.name, tc.format); got != tc.want {
			t.Errorf("%s with %d recipients, %q: %+v, want %+v", tc.name, len(tc.recipients), tc.compress, got, tc.want)
			continue
		}
		if tc.want == (dbbackup.Encoding{}) {
			continue
		}
		stored := encode(t, e, tc.name, tc.format, plain)
		if tc.want.Encrypted && bytes.Contains(stored, plain[:40]) {
			t.Errorf("%s %+v: the stored bytes hold the plain text", tc.name, tc.want)
		}
		if tc.want.Compression != "" && len(stored) > len(plain)/10 {
			t.Errorf("%s %+v: %d bytes stored of %d", tc.name, tc.want, len(stored), len(plain))
		}
		got, err := decode(t, stored, tc.want, key)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%s %+v: decoded %d bytes (%v), want the %d exported", tc.name, tc.want, len(got), err, len(plain))
		}
	}
	if New(nil, "") != nil {
		t.Error("an encoder that changes nothing is not nil")
	}
}

func TestDecodeNeedsTheKey(t *testing.T) {
	key, other := newKey(t), newKey(t)
	enc := dbbackup.Encoding{Compression: "zstd", Encrypted: true}
	stored := encode(t, New([]age.Recipient{key.Recipient()}, "zstd"), "b.json", dbbackup.FormatJSON, []byte(`{"a":1}`))
	if _, err := decode(t, stored, enc); !errors.Is(err, ErrNeedKey) {
		t.Errorf("no key: %v", err)
	}
	if _, err := decode(t, stored, enc, other); !errors.Is(err, ErrWrongKey) {
		t.Errorf("another key: %v", err)
	}
	// Either of two recipients opens it.
	stored = encode(t, New([]age.Recipient{other.Recipient(), key.Recipient()}, ""), "b.json", dbbackup.FormatJSON, []byte(`{"a":1}`))
	if got, err := decode(t, stored, dbbackup.Encoding{Encrypted: true}, key); err != nil || string(got) != `{"a":1}` {
		t.Errorf("the second recipient: %q, %v", got, err)
	}
}

func TestParseRecipients(t *testing.T) {
	key := newKey(t)
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	sshPub, _ := ssh.NewPublicKey(pub)
	sshLine := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " me@host"
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	if rs, err := ParseRecipients([]string{key.Recipient().String(), sshLine}); err != nil || len(rs) != 2 {
		t.Errorf("an age key and an SSH key: %d, %v", len(rs), err)
	}
	for _, tc := range []struct {
		list []string
		want string
	}{
		{[]string{key.Recipient().String(), "age1nope"}, "entry 2 is not a valid age public key"},
		{[]string{key.String()}, "entry 1 is a private key"},
		{[]string{"ssh-ed25519 AAAAnope"}, "entry 1 is not an SSH public key"},
		{[]string{"hello"}, "entry 1 is neither"},
		{[]string{key.Recipient().String(), pq.Recipient().String()}, "cannot be used together"},
	} {
		_, err := ParseRecipients(tc.list)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.list, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), key.String()) {
			t.Errorf("the error repeats the private key: %v", err)
		}
	}

	// Identity files: age-keygen's, and an OpenSSH private key.
	dir := t.TempDir()
	ageFile := filepath.Join(dir, "key.txt")
	os.WriteFile(ageFile, []byte("# created: now\n# public key: "+key.Recipient().String()+"\n"+key.String()+"\n"), 0o600)
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sshFile := filepath.Join(dir, "id_ed25519")
	os.WriteFile(sshFile, pem.EncodeToMemory(block), 0o600)
	for file, recipient := range map[string]string{ageFile: key.Recipient().String(), sshFile: sshLine} {
		ids, err := ReadIdentities(file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		r, _ := ParseRecipient(recipient)
		stored := encode(t, New([]age.Recipient{r}, ""), "b.json", dbbackup.FormatJSON, []byte("x"))
		if got, err := decode(t, stored, dbbackup.Encoding{Encrypted: true}, ids...); err != nil || string(got) != "x" {
			t.Errorf("%s: %q, %v", file, got, err)
		}
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("AGE-SECRET-KEY-1NOPE\n"), 0o600)
	if _, err := ReadIdentities(bad); err == nil || !strings.Contains(err.Error(), "no age private key") || strings.Contains(err.Error(), "NOPE") {
		t.Errorf("a bad key file: %v", err)
	}
}
