package dbbackup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// TestStepsSayWhereARunStopped: the step that failed is the failure's, the
// ones after it did not run, the ones before it did; retention runs only
// after a good set.
func TestStepsSayWhereARunStopped(t *testing.T) {
	stored := []dbbackup.File{{Name: "s.csv.zip", Format: dbbackup.FormatCSV, Size: 10}, {Name: "s.manifest.json", Format: dbbackup.FormatManifest, Size: 1}}
	failAt := func(s dbbackup.Stage) *dbbackup.Outcome {
		return &dbbackup.Outcome{Report: &dbbackup.Report{}, Leftovers: &dbbackup.Leftovers{}, Stage: s, Err: dbbackup.AtStage(s, errors.New("boom\nmore"))}
	}
	tests := []struct {
		name string
		o    *dbbackup.Outcome
		want string // name=status of each step, in order
	}{
		{"ok, with a local copy and an interrupted run's leftovers", &dbbackup.Outcome{
			Report: &dbbackup.Report{Files: stored}, Copy: "local folder /copy",
			Leftovers: &dbbackup.Leftovers{Notes: []string{"removed the leftovers of the interrupted run x"}},
			Retention: &dbbackup.RetentionResult{}, CopyRetention: &dbbackup.RetentionResult{Failed: []dbbackup.SetError{{Err: "denied"}}},
		}, "recover=warning export=ok store=ok verify=ok restore-test=skipped retention=ok copy-retention=warning"},
		{"connect", failAt(dbbackup.StageConnect), "recover=ok export=failed store=skipped verify=skipped restore-test=skipped retention=skipped"},
		{"store", failAt(dbbackup.StageStore), "recover=ok export=ok store=failed verify=skipped restore-test=skipped retention=skipped"},
		{"verify", failAt(dbbackup.StageVerify), "recover=ok export=ok store=ok verify=failed restore-test=skipped retention=skipped"},
		{"restore test passed", &dbbackup.Outcome{Report: &dbbackup.Report{Files: stored}, Leftovers: &dbbackup.Leftovers{},
			RestoreTest: &dbbackup.RestoreTest{SetID: "s", Format: dbbackup.FormatCSV, Tables: 2, Rows: 7}, Retention: &dbbackup.RetentionResult{}},
			"recover=ok export=ok store=ok verify=ok restore-test=ok retention=ok"},
		{"restore test skipped for want of a key", &dbbackup.Outcome{Report: &dbbackup.Report{Files: stored}, Leftovers: &dbbackup.Leftovers{},
			RestoreTest: &dbbackup.RestoreTest{Skipped: "encrypted", Warn: true}, Retention: &dbbackup.RetentionResult{}},
			"recover=ok export=ok store=ok verify=ok restore-test=warning retention=ok"},
		{"restore test failed", failAt(dbbackup.StageRestoreTest), "recover=ok export=ok store=ok verify=ok restore-test=failed retention=skipped"},
		{"locked out", &dbbackup.Outcome{Report: &dbbackup.Report{}, Stage: dbbackup.StageLock, Err: errors.New("lock: held")},
			"recover=skipped export=skipped store=skipped verify=skipped restore-test=skipped retention=skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range tt.o.Steps() {
				got = append(got, s.Name+"="+string(s.Status))
				if s.Detail == "" || strings.Contains(s.Detail, "\n") {
					t.Errorf("step %s: detail %q, want one line", s.Name, s.Detail)
				}
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("steps %s\n want %s", strings.Join(got, " "), tt.want)
			}
		})
	}
}
