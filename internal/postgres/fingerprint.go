package postgres

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/fingerprint"
	"github.com/dbbackup/dbbackup/internal/pgtext"
	"github.com/jackc/pgx/v5"
)

var _ dbbackup.Fingerprinter = (*Snapshot)(nil)

// fingerprintKey names a table and the columns its fingerprint covers.
type fingerprintKey struct{ schema, name, columns string }

func keyOf(t dbbackup.Table) fingerprintKey {
	var cols []string
	for _, c := range t.Copied().Columns {
		cols = append(cols, c.Name)
	}
	return fingerprintKey{t.Schema, t.Name, strings.Join(cols, "\x00")}
}

// remember keeps the fingerprint of a table CopyCSV read in full.
func (s *Snapshot) remember(t dbbackup.Table, sum string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fingerprints == nil {
		s.fingerprints = make(map[fingerprintKey]string)
	}
	s.fingerprints[keyOf(t)] = sum
}

// Fingerprint implements dbbackup.Fingerprinter: the fingerprint CopyCSV
// took of t, or, when CopyCSV has not read t, a read of t into the hash
// alone.
func (s *Snapshot) Fingerprint(ctx context.Context, t dbbackup.Table) (string, error) {
	s.mu.Lock()
	sum, ok := s.fingerprints[keyOf(t)]
	s.mu.Unlock()
	if ok {
		return sum, nil
	}
	if _, err := s.CopyCSV(ctx, t, io.Discard); err != nil {
		return "", fmt.Errorf("fingerprint %s: %w", t, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fingerprints[keyOf(t)], nil
}

// Tables lists the target's tables as Snapshot.Tables does.
func (t *Target) Tables(ctx context.Context) ([]dbbackup.Table, error) {
	return (&Snapshot{conn: t.conn}).Tables(ctx)
}

// Fingerprint returns the fingerprint of table tb's rows in the target, and their number,
// computed as a Snapshot computes it at export (the same code, under
// pgtext.SessionSettings) with the session's TimeZone set to timeZone: the
// manifest's time_zone, so that timestamptz values print as they did in
// the backup. tb's columns are those the target's catalog lists (Tables).
// It reads in a READ ONLY transaction of its own and leaves the session's
// settings as they were.
func (t *Target) Fingerprint(ctx context.Context, tb dbbackup.Table, timeZone string) (sum string, rows int64, err error) {
	tx, err := t.conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return "", 0, fmt.Errorf("fingerprint %s: %w", tb, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	settings := pgtext.SessionSettings()
	settings["TimeZone"] = timeZone
	for k, v := range settings {
		if _, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", k, v); err != nil {
			return "", 0, fmt.Errorf("fingerprint %s: set %s to %q: %w", tb, k, v, err)
		}
	}
	var h fingerprint.Hash
	if _, err := writeCSV(ctx, (&Snapshot{conn: t.conn}).Rows, tb, io.Discard, &h); err != nil {
		return "", 0, fmt.Errorf("fingerprint %s: %w", tb, err)
	}
	return h.Sum(), h.Rows(), tx.Commit(ctx)
}
