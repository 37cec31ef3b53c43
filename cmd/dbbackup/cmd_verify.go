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
	ID       string           `json:"id"`
	Manifest fileCheckJSON    `json:"manifest"`
	Files    []fileCheckJSON  `json:"files"`
	Restore  *restoreTestJSON `json:"restore,omitempty"`
}

// restoreTestJSON is what verify --restore proved of a set.
type restoreTestJSON struct {
	OK       bool     `json:"ok"`
	Database string   `json:"database,omitempty"` // the throwaway database, dropped
	Format   string   `json:"format,omitempty"`
	Tables   int      `json:"tables"`
	Rows     int64    `json:"rows"`
	Seconds  float64  `json:"seconds"`
	Problems []string `json:"problems,omitempty"`
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
	all, asJSON, restore bool
	identity             string
}

func newVerifyCommand(g *globals) *cobra.Command {
	var opts verifyOptions
	cmd := &cobra.Command{
		Use:   "verify [SET]",
		Short: "Read a backup set back and check every file against its manifest",
		Long: `Downloads (or reads) every file of a set from the destination and compares
its size and SHA-256 with the set's manifest. Without SET it checks the newest
set of the job's database; with --all, every set. Exit code 1 when any
file is missing or damaged.

With --restore it also restores the set into a throwaway database
(dbbackup_verify_…, made on VERIFY_DATABASE_URL's server, else on
DATABASE_URL's, and always dropped) and compares every table's rows with the
fingerprints the manifest recorded at backup time: exit code 1 when a table
came back different.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runVerify(cmd.Context(), g, opts, args) },
	}
	cmd.Flags().BoolVar(&opts.all, "all", false, "verify every set, not only the newest")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print JSON (field names are stable; see the README)")
	cmd.Flags().BoolVar(&opts.restore, "restore", false, "also restore the set into a throwaway database and compare every table with the manifest")
	cmd.Flags().StringVar(&opts.identity, "identity", "", "age identity (private key) file, to restore an encrypted set")
	g.jobFlag(cmd)
	return cmd
}

func runVerify(ctx context.Context, g *globals, opts verifyOptions, args []string) error {
	cfg, log, err := g.load(ctx)
	if err != nil {
		return err
	}
	found, err := g.app().Sets(ctx, cfg, log)
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
		v := state.Verification{At: clock(), Job: s.Job, SetID: s.ID, Database: s.Database, By: whoOnCommandLine()}
		if opts.restore && bad == before {
			// Only a set whose files are whole is worth restoring.
			vs.Restore = &restoreTestJSON{}
			problems := restoreTest(ctx, g, cfg, log, opts, s, vs.Restore, &v)
			if !opts.asJSON {
				printRestoreTest(out, s.ID, vs.Restore)
			}
			bad += problems
		}
		report.Sets = append(report.Sets, vs)
		v.OK, v.Problems = bad == before, bad-before
		if err := keep(ctx, v); err != nil {
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
	case len(sets) == 1 && opts.restore:
		fmt.Fprintf(out, "All files of set %s match its manifest, and it restores to exactly the rows it was made from.\n", sets[0].ID)
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
