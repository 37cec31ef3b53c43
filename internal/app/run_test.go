package app

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// TestRunCancelledFromAnotherGoroutine: a server stops a running backup by
// cancelling its context from elsewhere. The run ends failed, nothing of
// it is left that looks like a backup, and the history says so.
func TestRunCancelledFromAnotherGoroutine(t *testing.T) {
	s := newManagerSetup(t, pgtest.NewDatabase(t, bigTable), map[string]string{"BACKUP_FORMATS": "csv,xlsx,json,dump"})
	cfg, err := s.app.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exporting := make(chan struct{})
	var once sync.Once
	go func() { <-exporting; cancel() }()
	var stages []dbbackup.Stage
	observe := func(p dbbackup.Progress) {
		if p.Table.Name == "" && p.File == "" { // a stage begins (a file stored while others are written is not one)
			stages = append(stages, p.Stage)
		}
		if p.Stage == dbbackup.StageExport && p.Rows > 0 {
			once.Do(func() { close(exporting) })
		}
	}
	o, err := s.app.Run(ctx, cfg, quietLog(), observe)
	if !errors.Is(err, context.Canceled) || o == nil || o.OK() {
		t.Fatalf("Run = %v, %v; want a failed outcome and context.Canceled", o, err)
	}
	if strings.Join(stagesOf(stages), ",") != "check,connect,export" {
		t.Errorf("stages heard: %v", stages)
	}
	if left := s.leftBehind(t); len(left) != 0 {
		t.Errorf("a cancelled run left %v", left)
	}
	runs := s.runs(t)
	if len(runs) != 1 || runs[0].Status != state.StatusInterrupted || runs[0].Stage != dbbackup.StageExport {
		t.Errorf("history: %+v; want one run interrupted at export", runs)
	}
}

// stagesOf drops repeated stages.
func stagesOf(all []dbbackup.Stage) []string {
	var out []string
	for _, s := range all {
		if len(out) == 0 || out[len(out)-1] != string(s) {
			out = append(out, string(s))
		}
	}
	return out
}
