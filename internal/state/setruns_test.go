package state

import (
	"context"
	"maps"
	"testing"
	"time"
)

// TestSetRunsLinksEachSetToTheRunThatMadeIt, and to no run of another job.
func TestSetRunsLinksEachSetToTheRunThatMadeIt(t *testing.T) {
	s := openStore(t, t.TempDir())
	ctx := context.Background()
	first := record(t, s, okOutcome(t0))
	second := record(t, s, okOutcome(t0.Add(24*time.Hour)))
	record(t, s, failedOutcome(t0.Add(48*time.Hour))) // named no set
	other, err := s.Begin(ctx, "shop", t0.Add(72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	finish(t, s, other, okOutcome(t0.Add(72*time.Hour)))

	got, err := s.SetRuns(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{okOutcome(t0).Report.SetID: first, okOutcome(t0.Add(24 * time.Hour)).Report.SetID: second}
	if !maps.Equal(got, want) {
		t.Errorf("sets of the job default: %v, want %v", got, want)
	}
	if got, err := s.SetRuns(ctx, "shop"); err != nil || len(got) != 1 || got[okOutcome(t0.Add(72*time.Hour)).Report.SetID] != other {
		t.Errorf("sets of job shop: %v, %v", got, err)
	}
}
