package state

import (
	"context"
	"testing"
	"time"
)

func TestLastVerification(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	if _, ok, err := s.LastVerification(ctx, "default"); ok || err != nil {
		t.Fatalf("no verification yet: ok %v, err %v", ok, err)
	}
	for _, v := range []Verification{
		{At: t0, Job: "", SetID: "backup_1", OK: true, By: "anna"},
		{At: t0.Add(time.Hour), Job: "crm", SetID: "crm_1", OK: false, Problems: 2, By: "ben"},
		{At: t0.Add(2 * time.Hour), Job: "default", SetID: "backup_2", OK: false, Problems: 1, By: "carl"},
	} {
		if err := s.RecordVerification(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	for job, want := range map[string]string{"default": "backup_2", "crm": "crm_1"} {
		v, ok, err := s.LastVerification(ctx, job)
		if !ok || err != nil || v.SetID != want || !v.At.Equal(t0.Add(map[string]time.Duration{"default": 2 * time.Hour, "crm": time.Hour}[job])) {
			t.Errorf("job %s: %+v, %v, %v; want %s", job, v, ok, err, want)
		}
	}
	if v, _, _ := s.LastVerification(ctx, "crm"); v.OK || v.Problems != 2 || v.By != "ben" {
		t.Errorf("crm's: %+v", v)
	}
}
