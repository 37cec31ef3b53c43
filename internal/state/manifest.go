package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/dbbackup/dbbackup"
)

// ManifestSHA256 returns the SHA-256 of set setID's manifest as the run
// that made the set recorded it (Report.ManifestSHA256); ok is false when
// no successful run in this history made the set.
func (s *Store) ManifestSHA256(ctx context.Context, setID string) (sum string, ok bool, err error) {
	defer func() { err = s.explain(err) }()
	err = s.db.QueryRowContext(ctx, `SELECT f.sha256 FROM run_files f JOIN runs r ON r.id = f.run_id
		WHERE f.set_id = ? AND f.name = ? AND r.status = ? ORDER BY r.id DESC LIMIT 1`,
		setID, dbbackup.ManifestName(setID), StatusOK).Scan(&sum)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read the manifest checksum of %s: %w", setID, err)
	}
	return sum, true, nil
}
