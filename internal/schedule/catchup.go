package schedule

import (
	"time"

	"github.com/robfig/cron/v3"
)

// Due reports whether a job is to run at the server's start, now, to make
// up for a scheduled run missed while the server was down: last, the
// start of its newest good run, is before the newest time the schedule
// named, and older than one period of the schedule (the time between
// that run and the one before it). A good run made by hand since keeps
// it from running twice in a row; a weekend off in a "1-5" schedule is
// no missed run. A job never backed up well (last zero) waits for its
// schedule or a run by hand: nothing was missed.
func Due(s cron.Schedule, last, now time.Time) bool {
	if last.IsZero() {
		return false
	}
	missed := before(s, now.Add(time.Nanosecond)) // the newest time at or before now
	if missed.IsZero() || !last.Before(missed) {
		return false
	}
	prev := before(s, missed)
	if prev.IsZero() {
		return true // once in more than the years looked back: any miss is one
	}
	return now.Sub(last) > missed.Sub(prev)
}

// lookBack are the spans before a time searched, widening, for the
// schedule's newest time before it: the first that holds one is walked
// forward, so a search takes few steps whatever the schedule.
var lookBack = []time.Duration{time.Minute, time.Hour, 24 * time.Hour, 8 * 24 * time.Hour,
	32 * 24 * time.Hour, 367 * 24 * time.Hour, 5 * 367 * 24 * time.Hour}

// before returns the newest time of s before t, zero when there is none
// in the last five years (cron has no Prev).
func before(s cron.Schedule, t time.Time) time.Time {
	for _, span := range lookBack {
		at := s.Next(t.Add(-span))
		if at.IsZero() || !at.Before(t) {
			continue
		}
		for next := s.Next(at); next.Before(t); next = s.Next(next) {
			at = next
		}
		return at
	}
	return time.Time{}
}
