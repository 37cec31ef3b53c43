package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// printSteps writes a run's steps (dbbackup.Outcome.Steps), one line
// each, as the summary of `run` and `history RUN` show them:
// "Title: detail.", the status after the title when it is not ok.
func printSteps(w io.Writer, steps []dbbackup.Step) {
	for _, s := range steps {
		title := s.Title
		if s.Status != dbbackup.StepOK {
			title += " (" + string(s.Status) + ")"
		}
		fmt.Fprintf(w, "%s: %s.\n", printable(title), printable(strings.TrimSuffix(s.Detail, ".")))
	}
}
