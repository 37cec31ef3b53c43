package state

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

func TestRunLog(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	id := begin(t, s, t0)
	other := begin(t, s, t0)
	// Lines arrive in batches while the run goes; their Seq is the store's.
	if err := s.AddRunLog(ctx, id, []LogLine{{Seq: 7, Time: t0, Level: "INFO", Message: "connected"}, {Time: t0.Add(time.Second), Level: "WARN", Message: `table "Zählerstände" has no primary key`}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRunLog(ctx, other, []LogLine{{Time: t0, Level: "INFO", Message: "other run"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRunLog(ctx, id, []LogLine{{Time: t0.Add(2 * time.Second), Level: "ERROR", Message: "upload failed"}}); err != nil {
		t.Fatal(err)
	}
	lines, err := s.RunLog(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"connected", `table "Zählerstände" has no primary key`, "upload failed"}
	if len(lines) != len(want) {
		t.Fatalf("lines = %+v", lines)
	}
	for i, l := range lines {
		if l.Seq != i || l.Message != want[i] || !l.Time.Equal(t0.Add(time.Duration(i)*time.Second)) {
			t.Errorf("line %d = %+v, want seq %d %q", i, l, i, want[i])
		}
	}
	if lines[2].Level != "ERROR" {
		t.Errorf("level = %q", lines[2].Level)
	}
	if err := s.AddRunLog(ctx, 999, []LogLine{{Time: t0, Level: "INFO", Message: "x"}}); !errors.Is(err, dbbackup.ErrNotFound) {
		t.Errorf("log of an unknown run: %v, want ErrNotFound", err)
	}
	if lines, err := s.RunLog(ctx, 999); err != nil || len(lines) != 0 {
		t.Errorf("RunLog(999) = %v, %v", lines, err)
	}
}
