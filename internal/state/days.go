package state

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// DayStatus sums up a day's runs in one word for the dashboard's strip.
type DayStatus string

// The statuses of a day, worst first.
const (
	DayFailed  DayStatus = "failed"  // a run failed
	DayWarning DayStatus = "warning" // no run failed, but one warned or was interrupted
	DayOK      DayStatus = "ok"      // a run succeeded, without warnings
	DayNone    DayStatus = "none"    // no run ended: none started, or only skipped or running ones
)

// Day is one day of a job's runs.
type Day struct {
	Date   time.Time // midnight, in the time zone asked for
	Status DayStatus
	// Runs counts the day's runs of every status, skipped ones included.
	Runs int
}

// Days returns one Day for each calendar day in loc from from's day to
// to's day, both included, oldest first, for the backup job job ("" for
// every run, syncs included). A run belongs to the day it started on.
func (s *Store) Days(ctx context.Context, job string, from, to time.Time, loc *time.Location) (days []Day, err error) {
	defer func() { err = s.explain(err) }()
	first, last := midnight(from, loc, 0), midnight(to, loc, 0)
	index := map[time.Time]int{}
	for d := first; !d.After(last); d = midnight(d, loc, 1) {
		index[d] = len(days)
		days = append(days, Day{Date: d, Status: DayNone})
	}
	if len(days) == 0 {
		return nil, nil
	}
	var w where
	w.add(job != "", "r.kind = ? AND r.job = ?", KindBackup, job)
	w.add(true, "r.started >= ? AND r.started < ?", formatTime(first), formatTime(midnight(last, loc, 1)))
	err = each(ctx, s.db, `SELECT r.started, r.status, r.warning_count > 0 FROM runs r`+w.sql(),
		func(rows *sql.Rows) error {
			var started string
			var status Status
			var warned bool
			if err := rows.Scan(&started, &status, &warned); err != nil {
				return err
			}
			t, err := parseTime(started)
			if err != nil {
				return err
			}
			i, ok := index[midnight(t, loc, 0)]
			if !ok {
				return fmt.Errorf("run started %s falls on no day asked for", started)
			}
			d := &days[i]
			d.Runs++
			if day := dayStatus(status, warned); worse(day, d.Status) {
				d.Status = day
			}
			return nil
		}, w.args...)
	if err != nil {
		return nil, fmt.Errorf("days of runs: %w", err)
	}
	return days, nil
}

// dayStatus is what one run says about its day.
func dayStatus(st Status, warned bool) DayStatus {
	switch {
	case st == StatusFailed:
		return DayFailed
	case st == StatusInterrupted, st == StatusOK && warned:
		return DayWarning
	case st == StatusOK:
		return DayOK
	}
	return DayNone
}

var dayRank = map[DayStatus]int{DayNone: 0, DayOK: 1, DayWarning: 2, DayFailed: 3}

func worse(a, b DayStatus) bool { return dayRank[a] > dayRank[b] }

// midnight is the start of the day days after t's day in loc. Where a
// clock change skips midnight, the day starts when the clock resumes;
// time.Date makes the same choice for every call, so days compare equal.
func midnight(t time.Time, loc *time.Location, days int) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day()+days, 0, 0, 0, 0, loc)
}
