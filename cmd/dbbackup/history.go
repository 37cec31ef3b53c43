package main

import (
	"context"
	"log/slog"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/state"
)

// openHistory opens the run history and marks runs that were killed as
// interrupted; call it while holding the run lock. A history that cannot be
// opened is worth a warning, never a skipped backup.
func openHistory(ctx context.Context, cfg *config.Config, log *slog.Logger) (dbbackup.History, func()) {
	s, err := state.Open(cfg.StateDir)
	if err != nil {
		log.Warn("run history unavailable: this run is not recorded", "err", err, "hint", hintOf(err))
		return nil, func() {}
	}
	if n, err := s.MarkInterrupted(ctx); err != nil {
		log.Warn("run history", "err", err)
	} else if n > 0 {
		log.Warn("an earlier run was interrupted (killed or crashed); nothing of it was kept", "runs", n)
	}
	return s, func() { s.Close() }
}
