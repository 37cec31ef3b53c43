package schedule

import (
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/config"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestParseAgreesWithTheChecker: every schedule the settings accept is
// one the server can run, and means there what crontab makes of it.
func TestParseAgreesWithTheChecker(t *testing.T) {
	moscow, utc := mustZone(t, "Europe/Moscow"), time.UTC
	// Wednesday 2026-02-11 10:00 UTC (13:00 in Moscow).
	from := time.Date(2026, 2, 11, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		schedule string
		loc      *time.Location
		next     string // in UTC
	}{
		{"0 2 * * *", utc, "2026-02-12T02:00:00Z"},
		{"0 2 * * *", moscow, "2026-02-11T23:00:00Z"},             // 02:00 in Moscow is 23:00 UTC
		{"CRON_TZ=UTC 0 2 * * *", moscow, "2026-02-12T02:00:00Z"}, // the prefix wins over the job's zone
		{"CRON_TZ=Europe/Moscow @daily", utc, "2026-02-11T21:00:00Z"},
		{"@hourly", utc, "2026-02-11T11:00:00Z"},
		{"*/15 1-5 * * mon-fri", utc, "2026-02-12T01:00:00Z"},
		{"30 3 1,15 jan-jun 0", utc, "2026-02-15T03:30:00Z"}, // the 15th, or a Sunday: either
		{"0 0 * * 7", utc, "2026-02-15T00:00:00Z"},           // 7 is Sunday, as 0 is
		{"0 0 * * 5-7", utc, "2026-02-13T00:00:00Z"},
		{"0 0 13 * 5", utc, "2026-02-13T00:00:00Z"}, // Friday the 13th either way
		{"0 0 12 * 5", utc, "2026-02-12T00:00:00Z"}, // day 12 or a Friday: day 12 comes first
		{"0 0 * * 6/7", utc, "2026-02-14T00:00:00Z"},
	}
	for _, tt := range tests {
		if err := config.CheckSchedule(tt.schedule); err != nil {
			t.Fatalf("%q is refused by the checker: %v", tt.schedule, err)
		}
		s, err := Parse(tt.schedule, tt.loc)
		if err != nil {
			t.Errorf("%q: %v", tt.schedule, err)
			continue
		}
		if got := s.Next(from).UTC().Format(time.RFC3339); got != tt.next {
			t.Errorf("%q in %s: next %s, want %s", tt.schedule, tt.loc, got, tt.next)
		}
	}
	for _, bad := range []string{"0 2 * *", "CRON_TZ=Mars/Olympus 0 2 * * *", "@reboot", "@every 1h"} {
		if _, err := Parse(bad, utc); err == nil {
			t.Errorf("%q parses", bad)
		}
	}
}

// TestWeekdaysSundayIsSevenToo: the day-of-week field as crontab reads
// it, for a library that knows 0 to 6.
func TestWeekdaysSundayIsSevenToo(t *testing.T) {
	for in, want := range map[string]string{
		"*": "*", "*/2": "*/2", "7": "0", "0": "0", "5-7": "5,6,0", "sun": "0", "mon-fri": "1,2,3,4,5",
		"1-7/2": "1,3,5,0", "6/7": "6", "0,7": "0", "3/2": "3,5,0", "fri-sat,sun": "5,6,0",
	} {
		if got := weekdays(in); got != want {
			t.Errorf("weekdays(%q) = %q, want %q", in, got, want)
		}
	}
}
