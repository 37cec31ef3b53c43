package state

import (
	"context"
	"testing"
	"time"
)

func TestDays(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Berlin days; 23:30 UTC on the 1st is already the 2nd there.
	at := func(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour, min, 0, 0, berlin) }
	putRuns(t, s, []fakeRun{
		{status: "ok", started: at(1, 2, 0)},
		{status: "ok", started: at(2, 2, 0), warnings: 1},
		{status: "failed", started: at(2, 14, 0)},
		{status: "ok", started: at(2, 23, 59)},
		{status: "ok", started: at(3, 2, 0), warnings: 1},
		{status: "interrupted", started: at(4, 2, 0)},
		{status: "ok", started: at(4, 3, 0)},
		{status: "skipped", started: at(5, 2, 0)},
		{status: "ok", started: time.Date(2026, 3, 6, 23, 30, 0, 0, time.UTC)}, // the 7th in Berlin
		{job: "crm", status: "failed", started: at(8, 2, 0)},
		{status: "ok", started: at(10, 2, 0)}, // after the range
	})
	days, err := s.Days(ctx, "default", at(1, 12, 0), at(9, 0, 0), berlin)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		status DayStatus
		runs   int
	}{
		{DayOK, 1}, {DayFailed, 3}, {DayWarning, 1}, {DayWarning, 2}, {DayNone, 1}, {DayNone, 0}, {DayOK, 1}, {DayNone, 0}, {DayNone, 0},
	}
	if len(days) != len(want) {
		t.Fatalf("%d days, want %d: %+v", len(days), len(want), days)
	}
	for i, d := range days {
		if !d.Date.Equal(at(i+1, 0, 0)) || d.Status != want[i].status || d.Runs != want[i].runs {
			t.Errorf("day %d = %s %s %d runs, want %s %s %d runs", i, d.Date, d.Status, d.Runs, at(i+1, 0, 0), want[i].status, want[i].runs)
		}
	}
	all, err := s.Days(ctx, "", at(8, 0, 0), at(8, 0, 0), berlin)
	if err != nil || len(all) != 1 || all[0].Status != DayFailed {
		t.Errorf("every job's 8th = %+v, %v; want crm's failure", all, err)
	}
}

// A day the clocks change on is one cell, with its runs.
func TestDaysAcrossClockChange(t *testing.T) {
	s := openStore(t, t.TempDir())
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	putRuns(t, s, []fakeRun{{status: "ok", started: time.Date(2026, 3, 29, 4, 0, 0, 0, berlin)}, {status: "failed", started: time.Date(2026, 3, 30, 0, 30, 0, 0, berlin)}})
	days, err := s.Days(context.Background(), "", time.Date(2026, 3, 28, 12, 0, 0, 0, berlin), time.Date(2026, 3, 30, 12, 0, 0, 0, berlin), berlin)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 3 || days[0].Status != DayNone || days[1].Status != DayOK || days[2].Status != DayFailed {
		t.Errorf("days = %+v", days)
	}
}
