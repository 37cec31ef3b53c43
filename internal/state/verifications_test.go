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

// A restore test is told from a checksum check, with what it restored; the
// weekly restore test goes by the newest restore, whatever checks came
// after it.
func TestLastRestore(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	if _, ok, err := s.LastRestore(ctx, "default"); ok || err != nil {
		t.Fatalf("no restore yet: ok %v, err %v", ok, err)
	}
	for _, v := range []Verification{
		{At: t0, SetID: "backup_1", OK: true, Restored: true, Tables: 11, Rows: 15607, By: "run"},
		{At: t0.Add(time.Hour), SetID: "backup_2", OK: true, By: "anna"},
		{At: t0.Add(2 * time.Hour), SetID: "backup_3", OK: true, Skipped: "encrypted, no BACKUP_VERIFY_IDENTITY", By: "run"},
		{At: t0.Add(3 * time.Hour), Job: "crm", SetID: "crm_1", OK: false, Restored: true, Problems: 1, Detail: "public.t: fingerprint differs", By: "run"},
	} {
		if err := s.RecordVerification(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	v, ok, err := s.LastRestore(ctx, "default")
	if !ok || err != nil || v.SetID != "backup_1" || !v.Restored || v.Tables != 11 || v.Rows != 15607 {
		t.Fatalf("default's last restore: %+v, %v, %v", v, ok, err)
	}
	if v, _, _ := s.LastVerification(ctx, "default"); v.SetID != "backup_3" || v.Skipped == "" || v.Restored {
		t.Errorf("default's last verification: %+v", v)
	}
	if v, _, _ := s.LastRestore(ctx, "crm"); v.OK || v.Detail != "public.t: fingerprint differs" {
		t.Errorf("crm's last restore: %+v", v)
	}
}
