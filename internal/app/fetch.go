package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// fetch copies a stored file to path and checks its SHA-256 against the
// manifest's.
func fetch(ctx context.Context, dest dbbackup.Destination, f dbbackup.File, m *dbbackup.Manifest, path string) error {
	sha := ""
	for _, mf := range m.Files {
		if mf.Name == f.Name {
			sha = mf.SHA256
		}
	}
	if sha == "" {
		return fmt.Errorf("the manifest does not list %s: the set cannot be trusted", f.Name)
	}
	r, err := dest.Open(ctx, f)
	if err != nil {
		return err
	}
	defer r.Close()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), r); err != nil {
		return fmt.Errorf("download %s: %w", f.Name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, sha) {
		return fmt.Errorf("%s is damaged: its SHA-256 is %s, the manifest says %s; try an older set", f.Name, got, sha)
	}
	return out.Close()
}
