package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/spf13/cobra"
)

// cronOptions are the flags of cron.
type cronOptions struct {
	schedule givenString // given: every line at it, not at its job's BACKUP_SCHEDULE
}

func newCronCommand(g *globals) *cobra.Command {
	opts := cronOptions{schedule: givenString{value: config.DefaultSchedule}}
	cmd := &cobra.Command{
		Use:   "cron",
		Short: "Print the crontab lines that run every job on its schedule",
		Long: `Prints a crontab line for each job (or for --job NAME), at the job's
BACKUP_SCHEDULE: it changes to the current folder (where .env is), runs this
binary, and appends the output to logs/backup_cron.log (logs/NAME_cron.log
for a job other than default). Without --job, a line follows for each Google
Sheets sync job with a schedule (SHEETS_SCHEDULE; --schedule does not change
it), running "dbbackup sheets sync NAME" into logs/sheets-NAME_cron.log. Add
them with "crontab -e".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCron(cmd.Context(), g, opts) },
	}
	cmd.Flags().Var(&opts.schedule, "schedule", "when to run, in crontab's five fields (default: each job's BACKUP_SCHEDULE)")
	g.jobFlag(cmd)
	return cmd
}

func runCron(ctx context.Context, g *globals, opts cronOptions) error {
	schedule := opts.schedule.value
	if opts.schedule.given {
		if err := config.CheckSchedule(schedule); err != nil {
			return usageError{fmt.Errorf("--schedule %q: %w", schedule, err)}
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	if strings.Contains(bin, "go-build") { // go run: the binary is gone when it ends
		fmt.Fprintln(g.stderr, "Note: this is a temporary binary from `go run`; build one first:\n  go build -o dbbackup ./cmd/dbbackup && ./dbbackup cron")
		bin = filepath.Join(dir, "dbbackup")
	}
	a := g.app()
	names := []string{g.jobName()}
	if !g.job.given {
		if names, err = a.JobNames(ctx); err != nil {
			return err
		}
	}
	envFile := ""
	if g.envFile.given {
		envFile = " --env-file " + cronQuote(g.envFile.value)
	}
	logs := filepath.Join(dir, "logs")
	// line prints the crontab line that runs command at when, logging to
	// logName; what names the job for people.
	line := func(what, when, command, logName string) {
		l := fmt.Sprintf("%s cd %s && %s%s %s >> %s 2>&1", when, cronQuote(dir), cronQuote(bin), envFile, command, cronQuote(filepath.Join(logs, logName)))
		if zone, fields, _ := config.ScheduleZone(when); zone != nil {
			// cron reads a line in the machine's zone, and a CRON_TZ line
			// would move every line after it: leave this one to a person.
			fmt.Fprintf(g.stdout, "# %s runs at %q, in %s: write its time in this machine's zone and remove the #:\n# %s\n",
				what, fields, zone, strings.Replace(l, when, fields, 1))
			fmt.Fprintf(g.stderr, "Note: %s's schedule names a time zone (CRON_TZ=%s), which a crontab line cannot; `dbbackup serve` runs it as written\n", what, zone)
			return
		}
		fmt.Fprintln(g.stdout, l)
	}
	for _, name := range names {
		when := schedule
		if !opts.schedule.given {
			cfg, err := a.LoadJob(ctx, name, nil)
			if err != nil {
				return fmt.Errorf("job %s: %w", name, err)
			}
			when = cfg.Schedule
			if cfg.NameLocation != time.Local && !strings.HasPrefix(when, "CRON_TZ=") {
				fmt.Fprintf(g.stderr, "Note: dbbackup serve reads job %s's schedule in its time zone %s (BACKUP_NAME_TIMEZONE); cron reads this line in the machine's\n", name, cfg.NameLocation)
			}
		}
		run, logName := "run", "backup_cron.log"
		if name != config.DefaultJob {
			run, logName = "run --job "+name, name+"_cron.log"
		}
		line("job "+name, when, run, logName)
	}
	if !g.job.given {
		syncs, err := a.SyncJobs(ctx)
		if err != nil {
			return err
		}
		for _, s := range syncs {
			switch {
			case s.Err != nil:
				return fmt.Errorf("sync job %s: %w", s.Name, s.Err)
			case s.Job.Schedule != "":
				line("sync job "+s.Name, s.Job.Schedule, "sheets sync "+s.Name, "sheets-"+s.Name+"_cron.log")
			}
		}
	}
	if _, err := os.Stat(logs); err != nil {
		fmt.Fprintf(g.stderr, "Create the log folder first: mkdir -p %s\n", shellQuote(logs))
	}
	return nil
}

// shellQuote makes s one word for the shell: in single quotes, inside
// which nothing is special but the quote itself.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// cronQuote is shellQuote for a crontab line, where a bare % ends the
// command (cron turns it into a new line): every % is escaped as \%.
func cronQuote(s string) string {
	return strings.ReplaceAll(shellQuote(s), "%", `\%`)
}
