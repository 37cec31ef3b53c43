package secret

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// testKey is a fixed key, so that the fuzz corpus stays valid.
const testKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

func mustKey(t testing.TB, s string) *Key {
	t.Helper()
	k, err := ParseKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// configError asserts err is a *dbbackup.ConfigError naming the key.
func configError(t testing.TB, err error) *dbbackup.ConfigError {
	t.Helper()
	var ce *dbbackup.ConfigError
	if !errors.As(err, &ce) || ce.Var != KeyVar || ce.Hint == "" {
		t.Fatalf("error %#v: want a *dbbackup.ConfigError for %s with a hint", err, KeyVar)
	}
	return ce
}

func TestSealOpen(t *testing.T) {
	k := mustKey(t, testKey)
	for _, plain := range []string{"", "s3cret", "postgres://backup:pä$$ w0rd@db:5432/shop?sslmode=require", strings.Repeat("x", 1<<16)} {
		const ctx = "shop/DATABASE_URL"
		a, b := k.Seal(plain, ctx), k.Seal(plain, ctx)
		if !IsSealed(a) || a == b {
			t.Errorf("Seal(%.20q): %q and %q: want two different sealed values", plain, a, b)
		}
		if plain != "" && strings.Contains(a, plain) {
			t.Errorf("Seal(%q) = %q shows the plain text", plain, a)
		}
		for _, sealed := range []string{a, b} {
			got, err := k.Open(sealed, ctx)
			if err != nil || got != plain {
				t.Errorf("Open(Seal(%.20q)) = %.20q, %v", plain, got, err)
			}
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	k := mustKey(t, testKey)
	sealed := k.Seal("s3cret", "shop/SMTP_PASSWORD")
	other := mustKey(t, NewKey())
	body := strings.TrimPrefix(sealed, "sealed:v1:")
	flipped := []byte(body)
	// Another letter of the alphabet in the middle: still base64url (a
	// flipped bit may turn - or _ into a character outside it), and far
	// from the last one, whose unused bits strict decoding checks.
	if mid := len(flipped) / 2; flipped[mid] == 'A' {
		flipped[mid] = 'B'
	} else {
		flipped[mid] = 'A'
	}
	for _, tc := range []struct {
		name, sealed, ctx string
		key               *Key
		want              string
	}{
		{"another key", sealed, "shop/SMTP_PASSWORD", other, "cannot decrypt the stored secret of shop/SMTP_PASSWORD: DBBACKUP_SECRET_KEY is not the key it was stored with"},
		{"another job", sealed, "crm/SMTP_PASSWORD", k, "is not the key it was stored with"},
		{"another setting", sealed, "shop/DATABASE_URL", k, "is not the key it was stored with"},
		{"a changed byte", "sealed:v1:" + string(flipped), "shop/SMTP_PASSWORD", k, "is not the key it was stored with"},
		{"cut short", sealed[:len(sealed)-1], "shop/SMTP_PASSWORD", k, "cannot decrypt"},
		{"only the prefix", "sealed:v1:", "shop/SMTP_PASSWORD", k, "it is too short; it is damaged"},
		{"not base64", "sealed:v1:***", "shop/SMTP_PASSWORD", k, "it is not base64; it is damaged"},
		{"plain text", "s3cret", "shop/SMTP_PASSWORD", k, "it is not a sealed value; it is damaged"},
		{"a newer version", "sealed:v2:" + body, "shop/SMTP_PASSWORD", k, "sealed by a newer dbbackup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.key.Open(tc.sealed, tc.ctx)
			if err == nil {
				t.Fatalf("Open = %q, want an error", got)
			}
			configError(t, err)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(250 - i) // bytes that differ between the alphabets
	}
	sealed := mustKey(t, base64.StdEncoding.EncodeToString(raw)).Seal("s3cret", "c")
	for _, s := range []string{
		base64.StdEncoding.EncodeToString(raw),
		base64.URLEncoding.EncodeToString(raw),
		base64.RawStdEncoding.EncodeToString(raw),
		base64.RawURLEncoding.EncodeToString(raw),
		"  " + base64.StdEncoding.EncodeToString(raw) + "\n",
	} {
		// Every spelling is the same key: it opens what another sealed.
		if got, err := mustKey(t, s).Open(sealed, "c"); err != nil || got != "s3cret" {
			t.Errorf("ParseKey(%q).Open = %q, %v", s, got, err)
		}
	}
	for _, tc := range []struct{ value, want string }{
		{"", "DBBACKUP_SECRET_KEY: is not set"},
		{"  \n", "DBBACKUP_SECRET_KEY: is not set"},
		{"not a key!", "DBBACKUP_SECRET_KEY: is not base64"},
		{base64.StdEncoding.EncodeToString(raw[:16]), "DBBACKUP_SECRET_KEY: is 16 bytes long, a key is 32"},
		{base64.StdEncoding.EncodeToString(append(raw, 0)), "DBBACKUP_SECRET_KEY: is 33 bytes long, a key is 32"},
	} {
		k, err := ParseKey(tc.value)
		if err == nil {
			t.Errorf("ParseKey(%q) = %v, want an error", tc.value, k)
			continue
		}
		ce := configError(t, err)
		if !strings.HasPrefix(err.Error(), tc.want) || !strings.Contains(ce.Hint, "dbbackup secret-key") {
			t.Errorf("ParseKey(%q): %q (hint %q), want %q and a hint to run dbbackup secret-key", tc.value, err, ce.Hint, tc.want)
		}
		if v := strings.TrimSpace(tc.value); v != "" && strings.Contains(err.Error()+ce.Hint, v) {
			t.Errorf("ParseKey(%q): %q repeats the value", tc.value, err)
		}
	}
}

func TestNewKey(t *testing.T) {
	a, b := NewKey(), NewKey()
	if a == b {
		t.Fatalf("NewKey twice gave %q", a)
	}
	ka, kb := mustKey(t, a), mustKey(t, b)
	if _, err := kb.Open(ka.Seal("x", "c"), "c"); err == nil {
		t.Error("two new keys open each other's secrets")
	}
}

func TestIsSealed(t *testing.T) {
	k := mustKey(t, testKey)
	for s, want := range map[string]bool{
		k.Seal("", "c"):         true,
		"sealed:v2:abc":         true,
		"":                      false,
		"postgres://u:p@h/db":   false,
		"Sealed:v1:abc":         false,
		" " + k.Seal("pw", "c"): false,
	} {
		if got := IsSealed(s); got != want {
			t.Errorf("IsSealed(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzOpen feeds Open any text: it must never panic, every failure must be
// the ConfigError a user can act on, and the only value that opens is the
// one Seal made (a forgery would open to text nobody sealed).
func FuzzOpen(f *testing.F) {
	k := mustKey(f, testKey)
	// Fixed, not sealed here: every fuzzing process must agree on it.
	const valid = "sealed:v1:rLk0Vg8GbbXXOq3hldzAuvPlLM7EsvlYckQGM_-CpvUQFQ"
	const plain, ctx = "s3cret", "shop/SMTP_PASSWORD"
	if got, err := k.Open(valid, ctx); err != nil || got != plain {
		f.Fatalf("the sealed value of the corpus opens to %q, %v", got, err)
	}
	for _, s := range []string{valid, valid[:len(valid)-3], "sealed:v1:", "sealed:v1:AAAA", "sealed:v1:====", "sealed:", "sealed:v9:x", "", "s3cret", "sealed:v1:\x00\xff"} {
		f.Add(s, ctx)
	}
	f.Add(valid, "")
	f.Fuzz(func(t *testing.T, sealed, context string) {
		got, err := k.Open(sealed, context)
		if err != nil {
			configError(t, err)
			return
		}
		if sealed != valid || context != ctx || got != plain {
			t.Fatalf("Open(%q, %q) = %q: only the sealed value opens", sealed, context, got)
		}
	})
}
