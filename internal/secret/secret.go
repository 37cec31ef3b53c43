// Package secret seals the secrets a job keeps in the state database (a
// password in DATABASE_URL, SMTP_PASSWORD) with AES-256-GCM under the key
// in DBBACKUP_SECRET_KEY, so that a copy of the state file alone gives
// none of them away.
//
// A sealed value is text, "sealed:v1:" followed by the unpadded base64url
// of nonce|ciphertext|tag, so it can sit in SQLite, JSON and a .env file.
// Each value is sealed for a context (a job's name and the setting's key):
// the context is authenticated, so a sealed value copied to another job or
// setting does not open there.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// KeyVar is the variable the key is read from.
const KeyVar = "DBBACKUP_SECRET_KEY"

// keySize is AES-256's key length.
const keySize = 32

const (
	sealedPrefix = "sealed:"
	v1Prefix     = sealedPrefix + "v1:"
)

// encoding is strict: no stray bits, so with the check in Open one sealed
// value has one spelling.
var encoding = base64.RawURLEncoding.Strict()

// makeKeyHint is the advice for a missing or malformed key.
const makeKeyHint = "run `dbbackup secret-key` and put the line it prints in .env as " + KeyVar + "=…; keep a copy elsewhere: the stored secrets cannot be read without it"

// Key seals and opens secrets. It is safe for concurrent use.
type Key struct {
	aead cipher.AEAD
}

// NewKey returns a new random key, as ParseKey reads it.
func NewKey() string {
	raw := make([]byte, keySize)
	rand.Read(raw) // never fails: see crypto/rand.Read
	return base64.StdEncoding.EncodeToString(raw)
}

// ParseKey reads the value of DBBACKUP_SECRET_KEY: the base64 (standard or
// URL alphabet, padded or not) of exactly 32 bytes, surrounding spaces
// ignored. An empty, malformed or wrong-sized key is a
// *dbbackup.ConfigError naming the variable; the message never repeats
// the value.
func ParseKey(s string) (*Key, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, &dbbackup.ConfigError{Var: KeyVar, Problem: "is not set; it is needed to store and read the secrets of jobs", Hint: makeKeyHint}
	}
	raw, err := decodeKey(s)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: KeyVar, Problem: "is not base64", Hint: makeKeyHint}
	}
	if len(raw) != keySize {
		return nil, &dbbackup.ConfigError{Var: KeyVar, Problem: fmt.Sprintf("is %d bytes long, a key is %d (base64)", len(raw), keySize), Hint: makeKeyHint}
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err // unreachable: the length is AES-256's
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	return &Key{aead: aead}, nil
}

// decodeKey accepts every base64 spelling a person or a tool may produce.
func decodeKey(s string) ([]byte, error) {
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		var raw []byte
		if raw, err = enc.DecodeString(s); err == nil {
			return raw, nil
		}
	}
	return nil, err
}

// IsSealed reports whether s is a sealed value of any version, rather than
// plain text.
func IsSealed(s string) bool { return strings.HasPrefix(s, sealedPrefix) }

// Seal encrypts plaintext for context. Sealing the same text twice gives
// different values (the nonce is random); both open to it.
func (k *Key) Seal(plaintext, context string) string {
	return v1Prefix + encoding.EncodeToString(k.aead.Seal(nil, nil, []byte(plaintext), []byte(context)))
}

// Open decrypts a value Seal made for the same context. Every failure is a
// *dbbackup.ConfigError naming DBBACKUP_SECRET_KEY: GCM cannot tell a
// wrong key from a changed or moved value, and the key is the usual cause.
// Open never returns text that Seal was not given.
func (k *Key) Open(sealed, context string) (string, error) {
	what := "the stored secret"
	if context != "" {
		what += " of " + context
	}
	body, ok := strings.CutPrefix(sealed, v1Prefix)
	if !ok {
		if IsSealed(sealed) {
			return "", &dbbackup.ConfigError{Var: KeyVar, Problem: fmt.Sprintf("cannot decrypt %s: it was sealed by a newer dbbackup", what),
				Hint: "use the newer dbbackup"}
		}
		return "", damaged(what, "it is not a sealed value")
	}
	data, err := encoding.DecodeString(body)
	// The decoder skips line breaks; a value has one spelling.
	if err != nil || encoding.EncodeToString(data) != body {
		return "", damaged(what, "it is not base64")
	}
	if len(data) < k.aead.Overhead() {
		return "", damaged(what, "it is too short")
	}
	plain, err := k.aead.Open(nil, nil, data, []byte(context))
	if err != nil {
		return "", &dbbackup.ConfigError{Var: KeyVar,
			Problem: fmt.Sprintf("cannot decrypt %s: %s is not the key it was stored with (or the stored value was changed)", what, KeyVar),
			Hint:    "set " + KeyVar + " to the key the secret was stored with; if that key is lost, set the secret again"}
	}
	return string(plain), nil
}

func damaged(what, why string) error {
	return &dbbackup.ConfigError{Var: KeyVar, Problem: fmt.Sprintf("cannot decrypt %s: %s; it is damaged", what, why),
		Hint: "set the secret again"}
}
