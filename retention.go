package dbbackup

import (
	"fmt"
	"time"
)

// Policy is the retention policy: which backup sets to keep.
type Policy struct {
	// Days is BACKUP_RETENTION_DAYS: sets older than this are removed.
	Days int
	// MinKeep is BACKUP_RETENTION_MIN_KEEP: the newest MinKeep complete
	// sets are kept whatever their age.
	MinKeep int
}

// Decision is what the policy says about one set, and why.
type Decision struct {
	Set    Set
	Remove bool
	Reason string
}

// Apply decides, for every set, whether it is kept or removed, newest set
// first. It is a pure function of now and sets. A set is removed only when
// it is complete (its manifest is there), older than Days, and not one of
// the newest MinKeep complete sets; an incomplete set or one dated in the
// future is always kept, and said so, since the tool cannot be sure what
// it is.
func (p Policy) Apply(now time.Time, sets []Set) []Decision {
	limit := now.AddDate(0, 0, -p.Days)
	out := make([]Decision, 0, len(sets))
	complete := 0
	for _, s := range sets { // Sets orders them newest first
		d := Decision{Set: s}
		switch {
		case s.Time.After(now):
			d.Reason = "dated in the future: kept, check the clock of the machine that made it"
		case !s.Complete:
			d.Reason = "incomplete (no manifest): kept, remove it by hand once checked"
		case complete < p.MinKeep:
			complete++
			d.Reason = fmt.Sprintf("one of the newest %d complete sets (BACKUP_RETENTION_MIN_KEEP)", p.MinKeep)
		case !s.Time.Before(limit):
			complete++
			d.Reason = fmt.Sprintf("younger than %d days", p.Days)
		default:
			complete++
			d.Remove = true
			d.Reason = fmt.Sprintf("older than %d days (%s)", p.Days, s.Time.Format("2006-01-02"))
		}
		out = append(out, d)
	}
	return out
}

// RetentionResult is what a prune did.
type RetentionResult struct {
	DryRun    bool
	Decisions []Decision
	// Removed holds the sets that are gone; Failed the ones whose files
	// could not all be deleted (the next run finishes the job).
	Removed []Set
	Failed  []SetError
}

// SetError is a set that could not be removed, and why.
type SetError struct {
	Set Set
	Err string
}
