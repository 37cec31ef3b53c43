package schedule

import (
	"testing"
	"time"
)

// TestDue: which jobs run at the server's start to make up for a missed
// run. Times are UTC; 2026-02-11 is a Wednesday.
func TestDue(t *testing.T) {
	at := func(day, hour, min int) time.Time { return time.Date(2026, 2, day, hour, min, 0, 0, time.UTC) }
	nightly, weekdays, hourly := "0 2 * * *", "0 2 * * 1-5", "0 * * * *"
	tests := []struct {
		name     string
		schedule string
		last     time.Time
		now      time.Time
		want     bool
	}{
		{"last night's run was missed", nightly, at(10, 2, 0), at(11, 10, 0), true},
		{"just missed: the server came back a minute late", nightly, at(10, 2, 0), at(11, 2, 1), true},
		{"missed for a week", nightly, at(4, 2, 0), at(11, 10, 0), true},
		{"last night's run was made", nightly, at(11, 2, 0), at(11, 10, 0), false},
		{"before tonight's time: nothing missed yet", nightly, at(10, 2, 0), at(11, 1, 59), false},
		{"a run by hand since: not older than a period", nightly, at(10, 23, 0), at(11, 10, 0), false},
		{"a run by hand, then a missed night", nightly, at(9, 23, 0), at(11, 10, 0), true},
		{"never backed up well: nothing was missed", nightly, time.Time{}, at(11, 10, 0), false},
		{"weekdays: Saturday after Friday's run", weekdays, at(13, 2, 0), at(14, 10, 0), false},
		{"weekdays: Monday's run missed", weekdays, at(13, 2, 0), at(16, 9, 0), true},
		{"weekdays: Friday's run missed, seen on Saturday", weekdays, at(12, 2, 0), at(14, 10, 0), true},
		{"hourly: this hour's missed", hourly, at(11, 8, 0), at(11, 9, 30), true},
		{"hourly: this hour's made", hourly, at(11, 9, 0), at(11, 9, 30), false},
		{"a run that began just after its time", nightly, at(10, 2, 0).Add(300 * time.Millisecond), at(11, 9, 0), true},
		{"a clock set back: the last run is in the future", nightly, at(12, 2, 0), at(11, 10, 0), false},
	}
	for _, tt := range tests {
		s, err := Parse(tt.schedule, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if got := Due(s, tt.last, tt.now); got != tt.want {
			t.Errorf("%s: Due = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestBeforeFindsTheNewestTime: cron has no Prev; ours finds it for
// schedules from every minute to once a year.
func TestBeforeFindsTheNewestTime(t *testing.T) {
	now := time.Date(2026, 2, 11, 10, 30, 0, 0, time.UTC)
	for schedule, want := range map[string]time.Time{
		"* * * * *":   time.Date(2026, 2, 11, 10, 29, 0, 0, time.UTC),
		"30 10 * * *": time.Date(2026, 2, 10, 10, 30, 0, 0, time.UTC), // strictly before
		"0 2 * * 1":   time.Date(2026, 2, 9, 2, 0, 0, 0, time.UTC),
		"@monthly":    time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		"@yearly":     time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		"0 0 29 2 *":  time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
	} {
		s, err := Parse(schedule, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if got := before(s, now); !got.Equal(want) {
			t.Errorf("%s: before = %s, want %s", schedule, got, want)
		}
	}
}
