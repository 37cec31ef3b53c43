package dbbackup

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"
)

// Prune lists dest, applies the policy and, unless dryRun, deletes the sets
// it says to remove: whole sets only, the manifest last, so a set whose
// files could not all be deleted still looks like a set and the next prune
// finishes the job. A file that is already gone counts as deleted.
func Prune(ctx context.Context, dest Destination, p Policy, now time.Time, loc *time.Location, dryRun bool, log *slog.Logger) (*RetentionResult, error) {
	files, err := dest.List(ctx)
	if err != nil {
		return nil, err
	}
	res := &RetentionResult{DryRun: dryRun, Decisions: p.Apply(now, Sets(files, loc))}
	for i := range res.Decisions {
		d := &res.Decisions[i]
		if missing := missingFiles(ctx, dest, d.Set); len(missing) > 0 {
			d.Reason += "; MISSING " + strings.Join(missing, ", ") + ": the set is not whole"
			log.Warn("a backup set is missing files its manifest lists", "set", d.Set.ID, "missing", missing)
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

func deleteSet(ctx context.Context, dest Destination, s Set) error {
	var manifest []File
	var errs []error
	for _, f := range s.Files {
		if f.Format == FormatManifest {
			manifest = append(manifest, f)
			continue
		}
		if err := dest.Delete(ctx, f); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, f := range manifest {
		if err := dest.Delete(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// missingFiles returns the files s's manifest lists that the destination
// does not have. A manifest that cannot be read says nothing.
func missingFiles(ctx context.Context, dest Destination, s Set) []string {
	if !s.Complete {
		return nil
	}
	m, err := SetManifest(ctx, dest, s)
	if err != nil {
		return nil
	}
	present := map[string]bool{}
	for _, f := range s.Files {
		present[f.Name] = true
	}
	var missing []string
	for _, f := range m.Files {
		if !present[f.Name] {
			missing = append(missing, f.Name)
		}
	}
	return missing
}
