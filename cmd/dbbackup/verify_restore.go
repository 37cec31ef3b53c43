package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/state"
)

// restoreTest restores set s into a throwaway database for verify
// --restore, fills out and v, and returns the number of problems.
func restoreTest(ctx context.Context, g *globals, cfg *config.Config, log *slog.Logger, opts verifyOptions, s dbbackup.Set, out *restoreTestJSON, v *state.Verification) int {
	v.Restored = true
	if !opts.asJSON {
		fmt.Fprintf(g.stderr, "Restoring set %s into a throwaway database …\n", s.ID)
	}
	test, err := g.app().TestRestore(ctx, cfg, log, app.TestRestoreOptions{SetID: s.ID, Identity: app.KeyFile(cfg, "--identity", opts.identity),
		Progress: progressPrinter(g.stderr, !opts.asJSON && isTerminal(g.stderr, cfg), log)})
	if err != nil {
		out.Problems = []string{firstLine(err.Error(), 500)}
		v.Detail = err.Error()
		return 1
	}
	*out = restoreTestJSON{OK: len(test.Problems) == 0, Database: test.Database, Format: string(test.Format), Tables: test.Tables, Rows: test.Rows,
		Seconds: test.Took.Seconds(), Problems: test.Problems}
	v.Tables, v.Rows = test.Tables, test.Rows
	if err := test.Failed(); err != nil {
		v.Detail = err.Error()
	}
	for _, w := range test.Warnings {
		fmt.Fprintf(g.stderr, "Warning: %s\n", printable(w))
	}
	return len(test.Problems)
}

// printRestoreTest prints what a restore test found, a line per problem.
func printRestoreTest(out io.Writer, setID string, t *restoreTestJSON) {
	if t.OK {
		fmt.Fprintf(out, "OK    restore test: set %s restored from %s in %s: %d tables, %s rows, every one identical to the manifest\n",
			setID, t.Format, (time.Duration(t.Seconds * float64(time.Second))).Round(100*time.Millisecond), t.Tables, dbbackup.HumanCount(t.Rows))
		return
	}
	for _, p := range t.Problems {
		fmt.Fprintf(out, "FAIL  restore test of %s: %s\n", setID, printable(p))
	}
}
