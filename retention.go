package dbbackup

import (
	"fmt"
	"time"
)

// Policy is the retention policy: which backup sets to keep.
type Policy struct {
	// Days is BACKUP_RETENTION_DAYS: sets older than this are removed.
	// 0 (or less) turns retention off: every set is kept.
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

// Off reports whether the policy keeps every set (Days 0).
func (p Policy) Off() bool { return p.Days <= 0 }

// Apply decides, for every set, whether it is kept or removed, newest set
// first. It is a pure function of now and sets, which are the sets of one
// database. A set is removed only when retention is on, the set is older
// than Days, MinKeep newer complete sets are kept, and the set is
// complete (see InspectSets) or, not whole, at least has a manifest that
// names it (a set an earlier prune could not finish deleting, a damaged
// one). Only complete sets count toward MinKeep. A set without a
// readable manifest, or dated in the future, is always kept, and said so,
// since the tool cannot be sure what it is. A set made with one-off
// settings (Set.OneOff) goes by its age alone: it is never one of the
// MinKeep sets a job can count on.
func (p Policy) Apply(now time.Time, sets []Set) []Decision {
	limit := now.AddDate(0, 0, -p.Days)
	out := make([]Decision, 0, len(sets))
	complete := 0
	for _, s := range sets { // Sets orders them newest first
		d := Decision{Set: s}
		switch {
		case p.Off():
			d.Reason = "retention is off (BACKUP_RETENTION_DAYS is 0): every set is kept"
		case s.Time.After(now):
			d.Reason = "dated in the future: kept, check the clock of the machine that made it"
		case !s.Complete && (!s.Named() || complete < p.MinKeep || !s.Time.Before(limit)):
			d.Reason = "NOT WHOLE: kept, check it and remove it by hand: " + s.Problem
		case !s.Complete:
			d.Remove = true
			d.Reason = fmt.Sprintf("older than %d days (%s), and not whole: %s", p.Days, s.Time.Format("2006-01-02"), s.Problem)
		case s.OneOff() && !s.Time.Before(limit):
			d.Reason = fmt.Sprintf("younger than %d days (made with one-off settings: not one of the BACKUP_RETENTION_MIN_KEEP sets)", p.Days)
		case s.OneOff():
			d.Remove = true
			d.Reason = fmt.Sprintf("older than %d days (%s), made with one-off settings", p.Days, s.Time.Format("2006-01-02"))
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
