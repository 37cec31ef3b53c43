package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/spf13/cobra"
)

// verifyJSON is `dbbackup verify --json`; the field names are stable.
type verifyJSON struct {
	OK   bool            `json:"ok"`
	Sets []verifiedSetJS `json:"sets"`
}

type verifiedSetJS struct {
	ID       string          `json:"id"`
	Manifest fileCheckJSON   `json:"manifest"`
	Files    []fileCheckJSON `json:"files"`
}

type fileCheckJSON struct {
	Name    string `json:"name"`
	Size    int64  `json:"size,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	OK      bool   `json:"ok"`
	Problem string `json:"problem,omitempty"`
	Note    string `json:"note,omitempty"`
}

// verifyOptions are the flags of verify.
type verifyOptions struct {
	all, asJSON bool
}

func newVerifyCommand(g *globals) *cobra.Command {
	var opts verifyOptions
	cmd := &cobra.Command{
		Use:   "verify [SET]",
		Short: "Read a backup set back and check every file against its manifest",
		Long: `Downloads (or reads) every file of a set from the destination and compares
its size and SHA-256 with the set's manifest. Without SET it checks the newest
set of the job's database; with --all, every set. Exit code 1 when any
file is missing or damaged.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runVerify(cmd.Context(), g, opts, args) },
	}
	cmd.Flags().BoolVar(&opts.all, "all", false, "verify every set, not only the newest")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print JSON (field names are stable; see the README)")
	g.jobFlag(cmd)
	return cmd
}

func runVerify(ctx context.Context, g *globals, opts verifyOptions, args []string) error {
	cfg, found, err := g.sets(ctx)
	if err != nil {
		return err
	}
	dest, sets, database := found.Dest, found.Sets, found.Database
	switch {
	case len(args) == 1:
		sets = app.Pick(sets, args[0])
		if len(sets) == 0 {
			return asUsage(&app.NoSetError{ID: args[0], Dest: dest.String()})
		}
	case !opts.all:
		if sets = dbbackup.OfJob(sets, cfg.Job, database); len(sets) > 0 {
			sets = sets[:1]
		}
	case g.job.given: // every set of that job
		sets = ofJob(sets, cfg.Job)
	}
	if len(sets) == 0 {
		return fmt.Errorf("no backup set of job %s (database %s) in %s to verify: `dbbackup list` shows the sets", cfg.Job, database, dest)
	}
	out := g.stdout
	recorded, keep, closeHistory, err := manifestRecords(cfg.StateDir)
	if err != nil {
		return err
	}
	defer closeHistory()
	say := func(c fileCheckJSON) {
		switch {
		case opts.asJSON:
		case c.Problem != "":
			fmt.Fprintf(out, "FAIL  %s: %s\n", printable(c.Name), c.Problem)
		case c.Note != "":
			fmt.Fprintf(out, "NOTE  %s: %s\n", printable(c.Name), c.Note)
		case c.Size == 0 && c.SHA256 != "":
			fmt.Fprintf(out, "OK    %s  sha256 %s, as the run history recorded it\n", printable(c.Name), c.SHA256)
		default:
			fmt.Fprintf(out, "OK    %s  %s  sha256 %s\n", printable(c.Name), dbbackup.HumanSize(c.Size), c.SHA256)
		}
	}
	report := verifyJSON{OK: true}
	bad := 0
	for _, s := range sets {
		before := bad
		vs := verifiedSetJS{ID: s.ID, Manifest: checkManifest(ctx, dest, s, recorded)}
		say(vs.Manifest)
		if !vs.Manifest.OK {
			bad++
		}
		checks, err := dbbackup.Verify(ctx, dest, s)
		if err != nil {
			bad++
			c := fileCheckJSON{Name: s.ID, Problem: err.Error()}
			vs.Files = append(vs.Files, c)
			say(c)
		}
		for _, c := range checks {
			fc := fileCheckJSON{Name: c.File.Name, Size: c.File.Size, SHA256: c.File.SHA256, OK: c.Problem == "", Problem: c.Problem}
			if !fc.OK {
				bad++
			}
			vs.Files = append(vs.Files, fc)
			say(fc)
		}
		report.Sets = append(report.Sets, vs)
		if err := keep(ctx, state.Verification{At: clock(), Job: s.Job, SetID: s.ID, Database: s.Database,
			OK: bad == before, Problems: bad - before, By: whoOnCommandLine()}); err != nil {
			fmt.Fprintf(g.stderr, "Warning: the history did not record this verification: %v\n", err)
		}
	}
	report.OK = bad == 0
	if opts.asJSON {
		if err := writeJSON(out, report); err != nil {
			return err
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d problems in %d sets checked: keep these sets, and make a new backup now (`dbbackup run`)", bad, len(sets))
	}
	switch {
	case opts.asJSON:
	case len(sets) == 1:
		fmt.Fprintf(out, "All files of set %s match its manifest.\n", sets[0].ID)
	default:
		fmt.Fprintf(out, "All files of %d sets match their manifests.\n", len(sets))
	}
	return nil
}

// asUsage makes a set named on the command line that is not there a
// usage error: the same words and exit code (2) for every command that
// takes a SET.
func asUsage(err error) error {
	var ns *app.NoSetError
	if errors.As(err, &ns) {
		return usageError{dbbackup.WithHint(err, "%s", ns.Hint())}
	}
	return err
}
