package config

import (
	"fmt"
	"os"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/crypt"
)

// parseCrypt reads BACKUP_ENCRYPT_RECIPIENTS, BACKUP_COMPRESS and
// BACKUP_VERIFY_IDENTITY.
func (c *Config) parseCrypt(v func(name, def string) string) error {
	c.EncryptRecipients = list(v("BACKUP_ENCRYPT_RECIPIENTS", ""))
	if _, err := crypt.ParseRecipients(c.EncryptRecipients); err != nil {
		return &dbbackup.ConfigError{Var: "BACKUP_ENCRYPT_RECIPIENTS", Problem: err.Error(),
			Hint: "list public keys separated by commas: age1… (age-keygen prints one) or ssh-ed25519 AAAA… (a line of ~/.ssh/id_ed25519.pub)"}
	}
	switch compress := strings.ToLower(v("BACKUP_COMPRESS", "none")); compress {
	case "none":
		c.Compress = ""
	case dbbackup.CompressionZstd:
		c.Compress = compress
	default:
		return &dbbackup.ConfigError{Var: "BACKUP_COMPRESS", Problem: fmt.Sprintf("unknown compression %q", compress),
			Hint: "use zstd (csv and json files get .zst) or none"}
	}
	c.VerifyIdentity = v("BACKUP_VERIFY_IDENTITY", "")
	if c.VerifyIdentity != "" {
		if _, err := crypt.ReadIdentities(c.VerifyIdentity); err != nil {
			return &dbbackup.ConfigError{Var: "BACKUP_VERIFY_IDENTITY", Problem: plainError(err),
				Hint: "name a file holding the private key of one of BACKUP_ENCRYPT_RECIPIENTS (age-keygen -o FILE makes one), readable by this user alone"}
		}
	}
	return nil
}

// exposedKeyFile warns when the private key file others of the machine
// may read: it opens every encrypted set. "" when all is well.
func exposedKeyFile(path string) string {
	if path == "" {
		return ""
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("BACKUP_VERIFY_IDENTITY: %s holds a private key that opens every encrypted set, and other users of this machine can read it (mode %04o): chmod 600 %s",
		path, st.Mode().Perm(), path)
}
