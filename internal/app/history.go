package app

import (
	"context"
	"log/slog"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

// OpenHistory opens the run history in dir (STATE_DIR, apart from
// BACKUP_DIR, so that a run that fails for want of its backup folder is
// recorded too). A history that cannot be opened costs the record, never
// the backup: unrecorded says why, and the report says so.
func OpenHistory(dir string, log *slog.Logger) (h dbbackup.History, closeHistory func(), unrecorded error) {
	s, err := state.Open(dir)
	if err != nil {
		log.Warn("run history unavailable: this run is not recorded", "err", err, "hint", dbbackup.Explain(err).Hint)
		return nil, func() {}, err
	}
	return s, func() { s.Close() }, nil
}

// MarkInterrupted marks runs that were killed as interrupted; call it
// while holding the run lock, so that no "running" row is a live run.
func MarkInterrupted(ctx context.Context, h dbbackup.History, job string, log *slog.Logger) {
	s, ok := h.(*state.Store)
	if !ok {
		return
	}
	if n, err := s.MarkInterrupted(ctx, job); err != nil {
		log.Warn("run history", "err", err)
	} else if n > 0 {
		log.Warn("an earlier run was interrupted (killed or crashed); nothing of it was kept", "runs", n)
	}
}
