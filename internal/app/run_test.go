package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
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
	url := pgtest.NewDatabase(t, `CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 200000) g;`)
	dir, stateDir := t.TempDir(), t.TempDir()
	for k, v := range map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "STATE_DIR": stateDir,
		"BACKUP_FORMATS": "csv,xlsx,json,dump", "EMAIL_TO": ""} {
		t.Setenv(k, v)
	}
	a := &App{EnvFile: filepath.Join(t.TempDir(), "none")}
	cfg, err := a.Load()
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
		if p.Table.Name == "" {
			stages = append(stages, p.Stage)
		}
		if p.Stage == dbbackup.StageExport && p.Rows > 0 {
			once.Do(func() { close(exporting) })
		}
	}
	o, err := a.Run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), observe)
	if !errors.Is(err, context.Canceled) || o == nil || o.OK() {
		t.Fatalf("Run = %v, %v; want a failed outcome and context.Canceled", o, err)
	}
	if strings.Join(stagesOf(stages), ",") != "check,connect,export" {
		t.Errorf("stages heard: %v", stages)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() == LockName(cfg.Job) {
			continue
		}
		if e.Name() == dbbackup.StagingDirName(cfg.Job) {
			if sub, _ := os.ReadDir(filepath.Join(dir, e.Name())); len(sub) == 0 {
				continue
			}
		}
		t.Errorf("a cancelled run left %s", e.Name())
	}
	s, err := state.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs, err := s.Runs(context.Background(), "", 0)
	if err != nil || len(runs) != 1 || runs[0].Status != state.StatusInterrupted || runs[0].Stage != dbbackup.StageExport {
		t.Errorf("history: %+v, %v; want one run interrupted at export", runs, err)
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
