package dbbackup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// FileCheck is what Verify found for one file of a set.
type FileCheck struct {
	File    File   // as the manifest lists it
	Problem string // "" when the stored bytes match the manifest
}

// Verify reads every file of set back from dest and compares its size and
// SHA-256 with the set's manifest. It returns one check per file the
// manifest lists; an error only when the manifest itself cannot be read.
func Verify(ctx context.Context, dest Destination, set Set) ([]FileCheck, error) {
	m, err := SetManifest(ctx, dest, set)
	if err != nil {
		return nil, err
	}
	stored := map[string]File{}
	for _, f := range set.Files {
		stored[f.Name] = f
	}
	checks := make([]FileCheck, 0, len(m.Files))
	for _, want := range m.Files {
		c := FileCheck{File: want}
		if f, ok := stored[want.Name]; !ok {
			c.Problem = "missing"
		} else {
			c.Problem = checkFile(ctx, dest, f, want)
		}
		checks = append(checks, c)
	}
	return checks, nil
}

// SetManifest reads the manifest of a set from dest.
func SetManifest(ctx context.Context, dest Destination, set Set) (*Manifest, error) {
	for _, f := range set.Files {
		if f.Format != FormatManifest || f.Name != ManifestName(set.ID) {
			continue
		}
		r, err := dest.Open(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("read the manifest of %s: %w", set.ID, err)
		}
		defer r.Close()
		m, err := ReadManifest(r)
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", set.ID, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("set %s has no manifest: an unfinished run, or its manifest was renamed or deleted", set.ID)
}

func checkFile(ctx context.Context, dest Destination, f, want File) string {
	r, err := dest.Open(ctx, f)
	if err != nil {
		return "cannot be read: " + err.Error()
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	switch {
	case err != nil:
		return "cannot be read: " + err.Error()
	case n != want.Size:
		return fmt.Sprintf("holds %d bytes, the manifest says %d", n, want.Size)
	case hex.EncodeToString(h.Sum(nil)) != want.SHA256:
		return "its SHA-256 differs from the manifest's: the file is damaged"
	}
	return ""
}
