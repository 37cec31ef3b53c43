package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
)

// Found is what a job's settings point at: the backup sets in its
// destination, newest first, and the database it connects to.
type Found struct {
	Dest     dbbackup.Destination
	Sets     []dbbackup.Set
	Database string
}

// Sets inspects the backup sets in the job's destination.
func (a *App) Sets(ctx context.Context, cfg *config.Config, log *slog.Logger) (*Found, error) {
	f := &Found{}
	var err error
	if f.Database, err = DatabaseName(cfg); err != nil {
		return nil, err
	}
	if f.Dest, err = a.Destination(ctx, cfg, log); err != nil {
		return nil, err
	}
	f.Sets, err = dbbackup.InspectSets(ctx, f.Dest, cfg.NameLocation)
	return f, err
}

// Pick is the set named id, as a list of one, or none.
func Pick(sets []dbbackup.Set, id string) []dbbackup.Set {
	for _, s := range sets {
		if s.ID == id {
			return []dbbackup.Set{s}
		}
	}
	return nil
}

// NoSetError is a set asked for by name that the destination does not
// hold.
type NoSetError struct {
	ID   string
	Dest string
}

func (e *NoSetError) Error() string { return fmt.Sprintf("no set %s in %s", e.ID, e.Dest) }

// Hint says where to find the sets there are.
func (e *NoSetError) Hint() string { return "`dbbackup list` shows the sets" }
