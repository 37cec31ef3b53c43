package dbbackup

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Prune inspects dest, applies the policy to the sets job made of
// database ("" is DefaultJob) and, unless dryRun, deletes the sets it says
// to remove. Sets of other jobs and databases are not looked at: they
// neither count toward MinKeep nor are removed, whatever their age. Of a set only the files its manifest lists
// are deleted, the manifest last, so a set
// whose files could not all be deleted still looks like a set and the
// next prune finishes the job. A file that is already gone counts as
// deleted.
func Prune(ctx context.Context, dest Destination, p Policy, now time.Time, loc *time.Location, job, database string, dryRun bool, log *slog.Logger) (*RetentionResult, error) {
	sets, err := InspectSets(ctx, dest, loc)
	if err != nil {
		return nil, err
	}
	res := &RetentionResult{DryRun: dryRun, Decisions: p.Apply(now, OfJob(sets, job, database))}
	for _, d := range res.Decisions {
		if !d.Set.Complete && !d.Remove {
			log.Warn("a backup set is not whole: kept", "set", d.Set.ID, "problem", d.Set.Problem)
		}
	}
	if dryRun {
		return res, nil
	}
	for _, d := range res.Decisions {
		if !d.Remove {
			continue
		}
		if err := deleteSet(ctx, dest, d.Set); err != nil {
			res.Failed = append(res.Failed, SetError{Set: d.Set, Err: err.Error()})
			log.Warn("could not remove an expired set; the next run tries again", "set", d.Set.ID, "err", err)
			continue
		}
		res.Removed = append(res.Removed, d.Set)
		log.Info("removed expired set", "set", d.Set.ID, "reason", d.Reason)
	}
	return res, nil
}

// deleteSet deletes the files s's manifest lists, the manifest last; a
// file the manifest does not list stays, whatever its name.
func deleteSet(ctx context.Context, dest Destination, s Set) error {
	listed := s.Listed()
	if !s.Named() || len(listed) == 0 || listed[len(listed)-1].Format != FormatManifest {
		return errors.New("the set's manifest does not name it: nothing of it is deleted")
	}
	var errs []error
	for _, f := range listed[:len(listed)-1] {
		if err := dest.Delete(ctx, f); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return dest.Delete(ctx, listed[len(listed)-1])
}
