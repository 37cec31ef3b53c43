package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/crypt"
)

// Identity is the private key file that opens encrypted sets, and the
// flag or setting that names it (--identity, BACKUP_VERIFY_IDENTITY), so
// that an error says where to give it. A zero Path: none was given.
type Identity struct {
	Path string
	Var  string
}

// KeyFile is the identity a restore or verification uses: the file given
// with flag (its path, "" when not given), else BACKUP_VERIFY_IDENTITY.
func KeyFile(cfg *config.Config, flag, path string) Identity {
	if path == "" && cfg.VerifyIdentity != "" {
		return Identity{Path: cfg.VerifyIdentity, Var: "BACKUP_VERIFY_IDENTITY"}
	}
	return Identity{Path: path, Var: flag}
}

// fetch makes path the file f of the set as it was exported, ready to
// use: it copies the stored file, checks its SHA-256 against the
// manifest's, and, when the manifest says it was stored compressed or
// encrypted, decrypts it with id, decompresses it and checks the result
// against the manifest's plain_sha256.
func fetch(ctx context.Context, dest dbbackup.Destination, f dbbackup.File, m *dbbackup.Manifest, path string, id Identity) error {
	var want dbbackup.File
	for _, mf := range m.Files {
		if mf.Name == f.Name {
			want = mf
		}
	}
	if want.SHA256 == "" {
		return fmt.Errorf("the manifest does not list %s: the set cannot be trusted", f.Name)
	}
	enc := dbbackup.Encoding{Compression: want.Compression, Encrypted: want.Encrypted}
	if enc == (dbbackup.Encoding{}) {
		return download(ctx, dest, f, want.SHA256, path)
	}
	if want.PlainSHA256 == "" {
		return fmt.Errorf("the manifest lists %s as %s without the checksum of its content: the set cannot be trusted", f.Name, describe(enc))
	}
	ids, err := identities(f, enc, id)
	if err != nil {
		return err
	}
	stored := path + ".stored"
	defer os.Remove(stored)
	if err := download(ctx, dest, f, want.SHA256, stored); err != nil {
		return err
	}
	return decode(f, enc, ids, id, stored, path, want.PlainSHA256)
}

// identities reads id's key file when f is encrypted.
func identities(f dbbackup.File, enc dbbackup.Encoding, id Identity) ([]crypt.Identity, error) {
	if !enc.Encrypted {
		return nil, nil
	}
	if id.Path == "" {
		return nil, &dbbackup.ConfigError{Var: id.Var, Problem: f.Name + " is encrypted, and no private key was given to open it",
			Hint: "give the file holding the private key of one of the set's recipients (BACKUP_ENCRYPT_RECIPIENTS) with " + id.Var + " FILE"}
	}
	ids, err := crypt.ReadIdentities(id.Path)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: id.Var, Problem: err.Error(),
			Hint: "give the file age-keygen wrote (AGE-SECRET-KEY-1…), or the SSH private key whose public key is in BACKUP_ENCRYPT_RECIPIENTS"}
	}
	return ids, nil
}

// download copies the stored file f to path, owner-only, and checks its
// SHA-256.
func download(ctx context.Context, dest dbbackup.Destination, f dbbackup.File, sha, path string) error {
	r, err := dest.Open(ctx, f)
	if err != nil {
		return err
	}
	defer r.Close()
	return writeChecked(path, r, sha, "download "+f.Name, f.Name+" is damaged: its SHA-256")
}

// writeChecked copies r to a new owner-only file at path and checks the
// SHA-256 of what it wrote: doing names the copy in an error, and what the
// checksum, which differs from sha.
func writeChecked(path string, r io.Reader, sha, doing, what string) error {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), r); err != nil {
		return fmt.Errorf("%s: %w", doing, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, sha) {
		return fmt.Errorf("%s is %s, the manifest says %s; try an older set", what, got, sha)
	}
	return out.Close()
}

// decode writes to path the exported bytes of the stored file at stored
// and checks them against plainSHA.
func decode(f dbbackup.File, enc dbbackup.Encoding, ids []crypt.Identity, id Identity, stored, path, plainSHA string) error {
	in, err := os.Open(stored)
	if err != nil {
		return err
	}
	defer in.Close()
	r, err := crypt.Decode(in, enc, ids)
	if errors.Is(err, crypt.ErrWrongKey) {
		return &dbbackup.ConfigError{Var: id.Var, Problem: fmt.Sprintf("the key in %s does not open %s: %v", id.Path, f.Name, err),
			Hint: "give the private key of one of the recipients the set was encrypted to"}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	defer r.Close()
	return writeChecked(path, r, plainSHA, f.Name+": "+describe(enc), f.Name+" is damaged: the SHA-256 of its content")
}

// describe says how a file was stored, for errors.
func describe(enc dbbackup.Encoding) string {
	switch {
	case enc.Encrypted && enc.Compression != "":
		return enc.Compression + "-compressed and encrypted"
	case enc.Encrypted:
		return "encrypted"
	}
	return enc.Compression + "-compressed"
}
