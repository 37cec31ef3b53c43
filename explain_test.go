package dbbackup

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// locked stands for an adapter's error that knows its advice and exit code.
type locked struct{}

func (locked) Error() string { return "another backup is running" }
func (locked) Hint() string  { return "wait for it to finish" }
func (locked) ExitCode() int { return ExitLocked }

// TestExplain: scripts depend on the exit codes, people on the advice; the
// advice nearest the failure wins, however deep it is wrapped.
func TestExplain(t *testing.T) {
	cfg := &ConfigError{Var: "BACKUP_DIR", Problem: "is a file", Hint: "point BACKUP_DIR to a folder"}
	tests := []struct {
		name string
		err  error
		code int
		hint string // "*": any advice
	}{
		{"success", nil, ExitOK, ""},
		{"a setting", AtStage(StageConfig, cfg), ExitConfig, "point BACKUP_DIR to a folder"},
		{"an adapter's error", AtStage(StageLock, fmt.Errorf("lock: %w", locked{})), ExitLocked, "wait for it to finish"},
		{"advice added on the way", AtStage(StageStore, WithHint(errors.New("token expired"), "run `dbbackup token`")), ExitFailed, "run `dbbackup token`"},
		{"the report", fmt.Errorf("backup x is stored, but %w: refused", ErrReportNotSent), ExitNoReport, "*"},
		{"a timeout", AtStage(StageExport, context.DeadlineExceeded), ExitFailed, "*"},
		{"a failed run with no advice of its own", AtStage(StageExport, errors.New("pg_dump: out of memory")), ExitFailed, "*"},
		{"another command's plain error", errors.New("no such set"), ExitFailed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Explain(tt.err)
			hintOK := got.Hint == tt.hint || (tt.hint == "*" && got.Hint != "")
			if got.Code != tt.code || !hintOK {
				t.Errorf("Explain(%v) = %+v, want code %d and hint %q", tt.err, got, tt.code, tt.hint)
			}
		})
	}
}
