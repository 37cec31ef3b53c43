package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

// manifestRecord is the SHA-256 the run history recorded for a set's
// manifest; ok is false when the history has no record of the set.
type manifestRecord func(ctx context.Context, setID string) (sum string, ok bool, err error)

// manifestRecords opens the run history in stateDir for verify, creating
// nothing: with no history file, every set is without a record.
func manifestRecords(stateDir string) (manifestRecord, func(), error) {
	none := func(context.Context, string) (string, bool, error) { return "", false, nil }
	if _, err := os.Stat(filepath.Join(stateDir, state.FileName)); errors.Is(err, fs.ErrNotExist) {
		return none, func() {}, nil
	}
	s, err := state.Open(stateDir)
	if err != nil {
		return nil, nil, err
	}
	return s.ManifestSHA256, func() { s.Close() }, nil
}

// checkManifest checks set's stored manifest against the SHA-256 the run
// that made it recorded, prints the result, and reports a problem.
func checkManifest(ctx context.Context, out io.Writer, dest dbbackup.Destination, set dbbackup.Set, recorded manifestRecord) (problem bool) {
	name := printable(dbbackup.ManifestName(set.ID))
	sum, ok, err := recorded(ctx, set.ID)
	switch {
	case err != nil:
		fmt.Fprintf(out, "FAIL  %s: the run history cannot be read: %v\n", name, err)
		return true
	case !ok:
		fmt.Fprintf(out, "NOTE  %s: no history record for this set: the manifest itself cannot be checked\n", name)
		return false
	}
	if p := dbbackup.CheckManifest(ctx, dest, set, sum); p != "" {
		fmt.Fprintf(out, "FAIL  %s: %s\n", name, p)
		return true
	}
	fmt.Fprintf(out, "OK    %s  sha256 %s, as the run history recorded it\n", name, sum)
	return false
}
