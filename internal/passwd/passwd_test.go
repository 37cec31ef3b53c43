package passwd

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q is not a PHC argon2id string with the default parameters", h)
	}
	if !Verify(h, "correct horse battery") {
		t.Error("the right password is refused")
	}
	for _, wrong := range []string{"", "correct horse batter", "correct horse battery ", "Correct horse battery"} {
		if Verify(h, wrong) {
			t.Errorf("wrong password %q is accepted", wrong)
		}
	}
	h2, err := Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestHashRefusesShort(t *testing.T) {
	for _, pw := range []string{"", "1234567", "äöüß€日本"[:len("äöüß€日本")-3]} {
		var ce *dbbackup.ConfigError
		if _, err := Hash(pw); !errors.As(err, &ce) || ce.Var != "password" {
			t.Errorf("Hash(%q) = %v, want a ConfigError about the password", pw, err)
		}
	}
	// Eight characters, however many bytes, are enough.
	if _, err := Hash("äöüß€日本x"); err != nil {
		t.Errorf("an 8-character password: %v", err)
	}
}

// A hash made with other parameters (older, or by another tool) still
// verifies: the string carries its parameters.
func TestVerifyOtherParameters(t *testing.T) {
	p := Params{Memory: 8 * 1024, Time: 1, Threads: 1}
	salt := []byte("0123456789abcdef")
	h := format(p, salt, derive("s3cret-pass", salt, p, 32))
	if !strings.Contains(h, "$m=8192,t=1,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if !Verify(h, "s3cret-pass") || Verify(h, "s3cret-pasS") {
		t.Error("a hash with its own parameters is not checked with them")
	}
}

func TestVerifyUnreadableHash(t *testing.T) {
	good, err := Hash("pw-pw-pw-pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":        strings.Replace(good, "argon2id", "argon2i", 1),
		"version":        strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":    strings.Replace(good, "m=65536", "m=4194304", 1), // 4 GiB: refused, not allocated
		"zero time":      strings.Replace(good, "t=3", "t=0", 1),
		"salt not b64":   strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!!", parts[5]}, "$"),
		"short hash":     strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
		"missing fields": strings.Join(parts[:5], "$"),
	} {
		if Verify(h, "pw-pw-pw-pw") {
			t.Errorf("%s: %q matches", name, h)
		}
	}
}

// An unknown user (hash "") takes as long as a wrong password, so the
// answer's timing does not tell which names exist.
func TestVerifyUnknownUserTakesAsLong(t *testing.T) {
	h, err := Hash("the real password")
	if err != nil {
		t.Fatal(err)
	}
	// The fastest of several runs, taken in turns so that other work on
	// the machine weighs on both alike; it only ever adds time.
	known, unknown := time.Hour, time.Hour
	for range 7 {
		for _, c := range []struct {
			hash string
			best *time.Duration
		}{{h, &known}, {"", &unknown}} {
			start := time.Now()
			Verify(c.hash, "a wrong password")
			*c.best = min(*c.best, time.Since(start))
		}
	}
	t.Logf("wrong password %v, unknown user %v", known, unknown)
	if unknown < known/2 || unknown > known*2 {
		t.Errorf("an unknown user takes %v, a wrong password %v: the difference tells whether a name exists", unknown, known)
	}
}
