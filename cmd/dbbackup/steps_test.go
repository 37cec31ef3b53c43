package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/state"
)

// TestSummaryEmailAndHistoryShowEveryStep: every step of a run, as the
// history keeps it (dbbackup.Outcome.Steps, whatever steps that has), is
// in the summary `run` prints, in the email and in `history RUN`; so a step
// added to Outcome.Steps reaches all of them. The email, rendered before it
// is sent, is the one without the report's own step.
func TestSummaryEmailAndHistoryShowEveryStep(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	stateDir := t.TempDir()
	base := map[string]string{"DATABASE_URL": url, "BACKUP_DIR": t.TempDir(), "STATE_DIR": stateDir, "BACKUP_FORMATS": "csv,json"}
	for _, tt := range []struct {
		name   string
		env    map[string]string
		failed string // the step that fails
	}{
		{"ok", base, ""},
		{"the server is down", withEnv(base, "DATABASE_URL", "postgres://postgres@127.0.0.1:1/shop?connect_timeout=5"), "export"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mb := newMailbox(t)
			res := runCLI(t, mb.env(tt.env), "run")
			runs := history(t, stateDir)
			if len(runs) == 0 {
				t.Fatal("the run is not in the history")
			}
			s, err := state.Open(stateDir)
			if err != nil {
				t.Fatal(err)
			}
			d, err := s.Run(context.Background(), runs[0].ID)
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]dbbackup.StepStatus{}
			for _, st := range d.Steps {
				names[st.Name] = st.Status
			}
			for _, want := range []string{"recover", "export", "store", "verify", "retention", "report"} {
				if _, ok := names[want]; !ok {
					t.Errorf("the history keeps no %q step: %+v", want, d.Steps)
				}
			}
			if tt.failed != "" && names[tt.failed] != dbbackup.StepFailed {
				t.Errorf("steps %+v, want %s failed", d.Steps, tt.failed)
			}
			texts := mb.texts(t)
			shown := runCLI(t, map[string]string{"STATE_DIR": stateDir}, "history", fmt.Sprint(runs[0].ID))
			for _, st := range d.Steps {
				var line strings.Builder
				printSteps(&line, []dbbackup.Step{st})
				if !strings.Contains(res.stdout, line.String()) {
					t.Errorf("the summary lacks %q:\n%s", line.String(), res.stdout)
				}
				if !strings.Contains(shown.stdout, line.String()) {
					t.Errorf("`history %d` lacks %q:\n%s", runs[0].ID, line.String(), shown.stdout)
				}
				if st.Name == "report" {
					continue
				}
				if len(texts) != 1 || !emailShows(texts[0], st) {
					t.Errorf("the email lacks step %+v:\n%s", st, texts)
				}
			}
		})
	}
}

// emailShows reports whether the plain-text email has a line with the
// step's title, status and detail, in that order.
func emailShows(text string, st dbbackup.Step) bool {
	for _, line := range strings.Split(text, "\n") {
		fields := strings.Fields(line)
		if strings.Join(fields, " ") == st.Title+" "+string(st.Status)+" "+strings.Join(strings.Fields(st.Detail), " ") {
			return true
		}
	}
	return false
}
