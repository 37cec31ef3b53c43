package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/dbbackup/dbbackup/internal/crypt"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// writeKey makes an age key and writes its private half to a file of
// its own, as age-keygen -o does.
func writeKey(t *testing.T) (*age.X25519Identity, string) {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.txt")
	if err := os.WriteFile(path, []byte("# public key: "+id.Recipient().String()+"\n"+id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return id, path
}

// A run with recipients and zstd stores every file but the manifest
// compressed (csv, json) and encrypted; the manifest says what each file
// was and is; listing, checksum verification and retention need no key;
// restore needs the key and says which flag gives it.
func TestEncryptedCompressedSet(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE t (id integer PRIMARY KEY, note text);
INSERT INTO t SELECT i, 'secret row ' || i FROM generate_series(1, 5000) i;`)
	dir := t.TempDir()
	key, keyFile := writeKey(t)
	other, otherFile := writeKey(t)
	env := backUp(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,json,dump",
		"BACKUP_COMPRESS": "zstd", "BACKUP_ENCRYPT_RECIPIENTS": other.Recipient().String() + ", " + key.Recipient().String()})

	m := readManifestFile(t, only(t, dir, ".manifest.json"))
	stored := map[string]string{} // name → format
	for _, f := range m.Files {
		stored[f.Name] = string(f.Format)
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		switch {
		case f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(b)):
			t.Errorf("%s: the manifest's sha256 and size are not the stored bytes'", f.Name)
		case !f.Encrypted || !strings.HasSuffix(f.Name, ".age") || f.PlainSHA256 == "" || f.PlainSHA256 == f.SHA256 || f.PlainSize == 0:
			t.Errorf("%s: encrypted %v, plain_sha256 %q, plain_size %d", f.Name, f.Encrypted, f.PlainSHA256, f.PlainSize)
		case (f.Compression == "zstd") != strings.HasSuffix(f.Name, ".zst.age"):
			t.Errorf("%s: compression %q", f.Name, f.Compression)
		case !bytes.HasPrefix(b, []byte("age-encryption.org/v1\n")) || bytes.Contains(b, []byte("secret row")) || json.Valid(b):
			t.Errorf("%s: the stored bytes are not age's, or show the rows", f.Name)
		}
	}
	set := strings.TrimSuffix(filepath.Base(only(t, dir, ".manifest.json")), ".manifest.json")
	for _, name := range []string{set + ".csv.zst.age", set + ".json.zst.age", set + ".dump.age"} {
		if stored[name] == "" {
			t.Errorf("%s is not in the manifest: %v", name, stored)
		}
	}

	// No key needed to list, verify the checksums, or apply retention.
	if res := runCLI(t, env, "list"); res.code != 0 || !strings.Contains(res.stdout, set) {
		t.Errorf("list: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := runCLI(t, env, "verify"); res.code != 0 {
		t.Errorf("verify: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := runCLI(t, env, "prune", "--dry-run"); res.code != 0 {
		t.Errorf("prune --dry-run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	target := pgtest.NewDatabase(t)
	res := runCLI(t, env, "restore", "--target", target)
	if res.code == 0 || !strings.Contains(res.stderr, "--identity") || !strings.Contains(res.stderr, "encrypted") {
		t.Errorf("restore without a key: exit %d\n%s", res.code, res.stderr)
	}
	_, strangerFile := writeKey(t)
	res = runCLI(t, env, "restore", "--target", target, "--identity", strangerFile)
	if res.code == 0 || !strings.Contains(res.stderr, "does not match") {
		t.Errorf("restore with a key the set was not encrypted to: exit %d\n%s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, "AGE-SECRET-KEY") {
		t.Errorf("an error shows a private key:\n%s", res.stderr)
	}
	for _, file := range []string{keyFile, otherFile} {
		target := pgtest.NewDatabase(t)
		res = runCLI(t, env, "restore", "--target", target, "--identity", file)
		if res.code != 0 || !strings.Contains(res.stdout, "1 tables, 5000 rows") {
			t.Fatalf("restore --identity: exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		if a, b := fingerprint(t, connect(t, url), "public", "t"), fingerprint(t, connect(t, target), "public", "t"); a != b {
			t.Errorf("restored t differs: source %s, restored %s", a, b)
		}
	}
	// From csv and json too: the schema file and the data files are
	// decrypted and decompressed.
	if stored[set+".schema.sql.age"] == "" {
		t.Fatalf("the schema file is not stored encrypted: %v", stored)
	}
	for _, from := range []string{"csv", "json"} {
		target := pgtest.NewDatabase(t)
		res = runCLI(t, env, "restore", "--target", target, "--from", from, "--identity", keyFile)
		if res.code != 0 || !strings.Contains(res.stdout, "1 tables, 5000 rows") {
			t.Fatalf("restore --from %s --identity: exit %d\n%s%s", from, res.code, res.stdout, res.stderr)
		}
		if a, b := fingerprint(t, connect(t, url), "public", "t"), fingerprint(t, connect(t, target), "public", "t"); a != b {
			t.Errorf("restored from %s, t differs: source %s, restored %s", from, a, b)
		}
	}
	// BACKUP_VERIFY_IDENTITY serves when --identity is not given.
	res = runCLI(t, withEnv(env, "BACKUP_VERIFY_IDENTITY", keyFile), "restore", "--target", pgtest.NewDatabase(t))
	if res.code != 0 {
		t.Errorf("restore with BACKUP_VERIFY_IDENTITY: exit %d\n%s", res.code, res.stderr)
	}
}

// Bad encryption settings stop the program, naming the setting and the
// entry; a key file others can read is warned about.
func TestEncryptionSettings(t *testing.T) {
	key, keyFile := writeKey(t)
	base := map[string]string{"DATABASE_URL": "postgres://u@localhost/shop", "BACKUP_DIR": t.TempDir()}
	for _, tc := range []struct {
		kv   []string
		want string
	}{
		{[]string{"BACKUP_ENCRYPT_RECIPIENTS", key.Recipient().String() + ",age1wrong"}, "BACKUP_ENCRYPT_RECIPIENTS: entry 2 is not a valid age public key"},
		{[]string{"BACKUP_ENCRYPT_RECIPIENTS", key.String()}, "BACKUP_ENCRYPT_RECIPIENTS: entry 1 is a private key"},
		{[]string{"BACKUP_COMPRESS", "gzip"}, `BACKUP_COMPRESS: unknown compression "gzip"`},
		{[]string{"BACKUP_VERIFY_IDENTITY", filepath.Join(t.TempDir(), "none")}, "BACKUP_VERIFY_IDENTITY: no such file"},
	} {
		res := runCLI(t, withEnv(base, tc.kv...), "check")
		if res.code != exitConfig || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: exit %d, want %q\n%s", tc.kv, res.code, tc.want, res.stderr)
		}
		if strings.Contains(res.stderr, key.String()) {
			t.Errorf("%v: the error shows a private key:\n%s", tc.kv, res.stderr)
		}
	}
	os.Chmod(keyFile, 0o644)
	res := runCLI(t, withEnv(base, "BACKUP_VERIFY_IDENTITY", keyFile), "list")
	if !strings.Contains(res.stderr, "chmod 600 "+keyFile) {
		t.Errorf("a key file others can read: exit %d, no warning\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// age-keygen writes a private key file restore can use, owner-only and
// never over another file, and prints the public key alone.
func TestAgeKeygen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key.txt")
	res := runCLI(t, nil, "age-keygen", "-o", path)
	pub := strings.TrimSpace(res.stdout)
	if res.code != 0 || !strings.HasPrefix(pub, "age1") || strings.Contains(res.stdout+res.stderr, "AGE-SECRET-KEY") {
		t.Fatalf("age-keygen: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	ids, err := crypt.ReadIdentities(path)
	if err != nil {
		t.Fatal(err)
	}
	if x, ok := ids[0].(*age.X25519Identity); !ok || x.Recipient().String() != pub {
		t.Errorf("the key file does not hold the private key of %s", pub)
	}
	st, _ := os.Stat(path)
	before, _ := os.ReadFile(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o", st.Mode().Perm())
	}
	if again := runCLI(t, nil, "age-keygen", "-o", path); again.code == 0 {
		t.Error("age-keygen wrote over an existing file")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("age-keygen changed an existing key file")
	}
	if none := runCLI(t, nil, "age-keygen"); none.code == 0 || strings.Contains(none.stdout, "AGE-SECRET-KEY") {
		t.Errorf("age-keygen without -o: exit %d\n%s", none.code, none.stdout)
	}
}
