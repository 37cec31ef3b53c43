package crypt

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"
)

// ParseRecipient reads one public key: an age key (age1…, or age1pq1… for
// a post-quantum one) or an SSH public key as in authorized_keys
// (ssh-ed25519 AAAA… or ssh-rsa AAAA…). The error never repeats s: a
// private key pasted by mistake must not end up in a log.
func ParseRecipient(s string) (age.Recipient, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "AGE-SECRET-KEY-"):
		return nil, errors.New("is a private key (AGE-SECRET-KEY-…): give its public key, age1… (age-keygen -y KEYFILE prints it), and keep the private key away from this machine")
	case strings.HasPrefix(s, "age1pq1"):
		return ParseHybrid(s)
	case strings.HasPrefix(s, "age1"):
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return nil, errors.New("is not a valid age public key: it is mistyped or cut short")
		}
		return r, nil
	case strings.HasPrefix(s, "ssh-"):
		r, err := agessh.ParseRecipient(s)
		if err != nil {
			return nil, errors.New("is not an SSH public key age can encrypt to (ssh-ed25519 or ssh-rsa, as in ~/.ssh/id_ed25519.pub)")
		}
		return r, nil
	}
	return nil, errors.New("is neither an age public key (age1…) nor an SSH public key (ssh-ed25519 …, ssh-rsa …)")
}

// ParseHybrid reads a post-quantum age public key.
func ParseHybrid(s string) (age.Recipient, error) {
	r, err := age.ParseHybridRecipient(s)
	if err != nil {
		return nil, errors.New("is not a valid age post-quantum public key: it is mistyped or cut short")
	}
	return r, nil
}

// ParseRecipients reads every key of list and checks that age can encrypt
// to all of them together (post-quantum keys cannot be mixed with
// others). The error names the entry, counted from 1.
func ParseRecipients(list []string) ([]age.Recipient, error) {
	var out []age.Recipient
	for i, s := range list {
		r, err := ParseRecipient(s)
		if err != nil {
			return nil, fmt.Errorf("entry %d %v", i+1, err)
		}
		out = append(out, r)
	}
	if len(out) > 1 {
		if _, err := age.Encrypt(io.Discard, out...); err != nil {
			return nil, fmt.Errorf("these keys cannot be used together: %v", err)
		}
	}
	return out, nil
}

// ReadIdentities reads a private key file: age's (AGE-SECRET-KEY-1… lines,
// as age-keygen writes them) or an unencrypted OpenSSH private key. The
// error never holds the file's content.
func ReadIdentities(path string) ([]age.Identity, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(b, []byte("-----BEGIN")) {
		id, err := agessh.ParseIdentity(b)
		if err != nil {
			var missing *ssh.PassphraseMissingError
			if errors.As(err, &missing) {
				return nil, fmt.Errorf("%s is an SSH key protected by a passphrase, which a program cannot type: use an age key (age-keygen) for backups", path)
			}
			return nil, fmt.Errorf("%s is not an SSH private key age can use (ed25519 or rsa)", path)
		}
		return []age.Identity{id}, nil
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s holds no age private key (AGE-SECRET-KEY-1… as age-keygen writes it): %v", path, err)
	}
	return ids, nil
}

// Identity is a private key that opens files (an age.Identity): callers
// need not import age.
type Identity = age.Identity

// WriteNewKey makes a new age key pair and writes the private key to path,
// as age-keygen -o does (owner-only, and never over an existing file). It
// returns the public key, for BACKUP_ENCRYPT_RECIPIENTS.
func WriteNewKey(path string, now time.Time) (string, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	pub := id.Recipient().String()
	_, err = fmt.Fprintf(f, "# created: %s\n# public key: %s\n%s\n", now.Format(time.RFC3339), pub, id)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", err
	}
	return pub, nil
}
