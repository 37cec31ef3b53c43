package main

import (
	"context"
	"fmt"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/state"
)

// manifestRecord is the SHA-256 the run history recorded for a set's
// manifest; ok is false when the history has no record of the set.
type manifestRecord func(ctx context.Context, setID string) (sum string, ok bool, err error)

// manifestRecords opens the run history in stateDir for verify, creating
// nothing: with no history file, every set is without a record. keep
// records a verification in the history (a no-op without one).
func manifestRecords(stateDir string) (recorded manifestRecord, keep func(context.Context, state.Verification) error, closeIt func(), err error) {
	s, err := app.OpenStoreIfAny(stateDir)
	if err != nil {
		return nil, nil, nil, err
	}
	if s == nil {
		return func(context.Context, string) (string, bool, error) { return "", false, nil },
			func(context.Context, state.Verification) error { return nil }, func() {}, nil
	}
	return s.ManifestSHA256, s.RecordVerification, func() { s.Close() }, nil
}

// checkManifest checks set's stored manifest against the SHA-256 the run
// that made it recorded.
func checkManifest(ctx context.Context, dest dbbackup.Destination, set dbbackup.Set, recorded manifestRecord) fileCheckJSON {
	c := fileCheckJSON{Name: dbbackup.ManifestName(set.ID)}
	sum, ok, err := recorded(ctx, set.ID)
	switch {
	case err != nil:
		c.Problem = fmt.Sprintf("the run history cannot be read: %v", err)
		return c
	case !ok:
		c.OK, c.Note = true, "no history record for this set: the manifest itself cannot be checked"
		return c
	}
	if p := dbbackup.CheckManifest(ctx, dest, set, sum); p != "" {
		c.Problem = p
		return c
	}
	c.OK, c.SHA256 = true, sum
	return c
}
