// Package passwd hashes the web UI's passwords with Argon2id and checks
// them. A hash is a PHC string that carries its own parameters, so that
// stronger parameters later do not lock out the users made before.
package passwd

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
	"golang.org/x/crypto/argon2"
)

// Params are Argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8
}

// Default is what Hash uses. 64 MiB with 3 passes and 2 lanes is RFC
// 9106's second recommended option (64 MiB, t=3) sized for a 2-core
// server: one hash takes about 60–120 ms there, slow enough that a stolen
// state file yields a few guesses per second per core, fast enough that a
// login does not feel slow. The memory is what makes a GPU or ASIC attack
// costly; it is released after each hash, and at most maxConcurrent hashes
// run at once, so a burst of logins cannot exhaust the server's memory.
var Default = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

const (
	saltLen = 16 // RFC 9106: 128 bits
	keyLen  = 32
)

// limits bound what a stored hash may ask for, so that a damaged or
// planted hash cannot make a login take gigabytes or minutes.
const (
	maxMemory  = 1024 * 1024 // 1 GiB
	maxTime    = 20
	maxThreads = 16
)

// maxConcurrent is how many hashes run at once; others wait. A login
// waits at most a few hashes' time, while memory stays bounded at
// maxConcurrent × Default.Memory.
const maxConcurrent = 2

var slots = make(chan struct{}, maxConcurrent)

// MinLength is the fewest characters a password may have.
const MinLength = 8

// Check refuses a password too short to resist guessing, with a
// *dbbackup.ConfigError that names it "password"; the command line and
// the web's user forms show it as it is.
func Check(password string) error {
	switch n := utf8.RuneCountInString(password); {
	case n == 0:
		return &dbbackup.ConfigError{Var: "password", Problem: "is empty",
			Hint: fmt.Sprintf("type one of at least %d characters; a few words are easy to remember and hard to guess", MinLength)}
	case n < MinLength:
		return &dbbackup.ConfigError{Var: "password", Problem: fmt.Sprintf("has %d characters, fewer than %d", n, MinLength),
			Hint: "choose a longer one; a few words are easy to remember and hard to guess"}
	}
	return nil
}

// Hash returns the PHC string of password with a new random salt:
// $argon2id$v=19$m=65536,t=3,p=2$SALT$HASH (salt and hash in base64
// without padding, as the PHC format says). A password Check refuses is
// refused here too, so no code path stores a weak one.
func Hash(password string) (string, error) {
	if err := Check(password); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := derive(password, salt, Default, keyLen)
	return format(Default, salt, key), nil
}

// Verify reports whether password matches hash, comparing in constant
// time. A hash that cannot be read matches nothing. Verify("", password)
// — a user that does not exist — still derives a key with Default, so a
// wrong user name and a wrong password take the same time and an
// attacker cannot learn which names exist.
func Verify(hash, password string) bool {
	p, salt, want, err := parse(hash)
	if err != nil {
		// Spend what a real check would; the result is thrown away.
		derive(password, dummySalt[:], Default, keyLen)
		return false
	}
	got := derive(password, salt, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1 && password != ""
}

// dummySalt is the salt of the check made for a hash that cannot be read.
var dummySalt [saltLen]byte

func derive(password string, salt []byte, p Params, n uint32) []byte {
	slots <- struct{}{}
	defer func() { <-slots }()
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, n)
}

var b64 = base64.RawStdEncoding

func format(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// parse reads a PHC string made by Hash (or by another Argon2id
// implementation with the same fields in the same order).
func parse(hash string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("argon2 version %q: want v=%d", parts[2], argon2.Version)
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("argon2 parameters %q: %w", parts[3], err)
	}
	if p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Threads > maxThreads || p.Memory < 8*uint32(p.Threads) {
		return p, nil, nil, fmt.Errorf("argon2 parameters %q out of range", parts[3])
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errors.New("argon2 salt unreadable")
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errors.New("argon2 hash unreadable")
	}
	return p, salt, key, nil
}
