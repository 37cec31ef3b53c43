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
	m := set.Manifest // read by InspectSets already
	if m == nil {
		var err error
		if m, err = SetManifest(ctx, dest, set); err != nil {
			return nil, err
		}
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

// manifestFile is the stored manifest of set: tagged as one and named
// after the set (a manifest the user renamed is not the set's).
func manifestFile(set Set) (File, bool) {
	for _, f := range set.Files {
		if f.Format == FormatManifest && f.Name == ManifestName(set.ID) {
			return f, true
		}
	}
	return File{}, false
}

// SetManifest reads the manifest of a set from dest.
func SetManifest(ctx context.Context, dest Destination, set Set) (*Manifest, error) {
	f, ok := manifestFile(set)
	if !ok {
		return nil, fmt.Errorf("set %s has no manifest: an unfinished run, or its manifest was renamed or deleted", set.ID)
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

// CheckManifest compares the SHA-256 of set's stored manifest with want,
// the one recorded when the set was made (Report.ManifestSHA256): Verify
// trusts the manifest, so an edited one would vouch for edited files. It
// returns "" when they match, else what is wrong.
func CheckManifest(ctx context.Context, dest Destination, set Set, want string) string {
	f, ok := manifestFile(set)
	if !ok {
		return "missing"
	}
	sum, _, problem := readSHA256(ctx, dest, f)
	if problem == "" && sum != want {
		problem = fmt.Sprintf("its SHA-256 is %s, the run history recorded %s when the set was made: the manifest was changed and its checksums cannot be trusted", sum, want)
	}
	return problem
}

func checkFile(ctx context.Context, dest Destination, f, want File) string {
	sum, n, problem := readSHA256(ctx, dest, f)
	switch {
	case problem != "":
		return problem
	case n != want.Size:
		return fmt.Sprintf("holds %d bytes, the manifest says %d", n, want.Size)
	case sum != want.SHA256:
		return "its SHA-256 differs from the manifest's: the file is damaged"
	}
	return ""
}

// readSHA256 reads f back from dest: its SHA-256 and size, or what kept it
// from being read.
func readSHA256(ctx context.Context, dest Destination, f File) (sum string, n int64, problem string) {
	r, err := dest.Open(ctx, f)
	if err != nil {
		return "", 0, "cannot be read: " + err.Error()
	}
	defer r.Close()
	h := sha256.New()
	if n, err = io.Copy(h, r); err != nil {
		return "", n, "cannot be read: " + err.Error()
	}
	return hex.EncodeToString(h.Sum(nil)), n, ""
}
