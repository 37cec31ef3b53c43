package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/spf13/cobra"
)

func newCronCommand(g *globals) *cobra.Command {
	var schedule string
	cmd := &cobra.Command{
		Use:   "cron",
		Short: "Print the crontab lines that run every job on its schedule",
		Long: `Prints a crontab line for each job (or for --job NAME), at the job's
BACKUP_SCHEDULE: it changes to the current folder (where .env is), runs this
binary, and appends the output to logs/backup_cron.log (logs/NAME_cron.log
for a job other than default). Add them with "crontab -e".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("schedule") {
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
				fmt.Fprintln(cmd.ErrOrStderr(), "Note: this is a temporary binary from `go run`; build one first:\n  go build -o dbbackup ./cmd/dbbackup && ./dbbackup cron")
				bin = filepath.Join(dir, "dbbackup")
			}
			a := g.app(cmd)
			names := []string{g.jobName()}
			if !cmd.Flags().Changed("job") {
				if names, err = a.JobNames(cmd.Context()); err != nil {
					return err
				}
			}
			envFile := ""
			if cmd.Flags().Changed("env-file") {
				envFile = " --env-file " + cronQuote(g.envFile)
			}
			logs := filepath.Join(dir, "logs")
			out := cmd.OutOrStdout()
			for _, name := range names {
				when := schedule
				if !cmd.Flags().Changed("schedule") {
					cfg, err := a.LoadJob(cmd.Context(), name, nil)
					if err != nil {
						return fmt.Errorf("job %s: %w", name, err)
					}
					when = cfg.Schedule
				}
				run, logName := "run", "backup_cron.log"
				if name != config.DefaultJob {
					run, logName = "run --job "+name, name+"_cron.log"
				}
				fmt.Fprintf(out, "%s cd %s && %s%s %s >> %s 2>&1\n", when, cronQuote(dir), cronQuote(bin), envFile, run, cronQuote(filepath.Join(logs, logName)))
			}
			if _, err := os.Stat(logs); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "Create the log folder first: mkdir -p %s\n", shellQuote(logs))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&schedule, "schedule", config.DefaultSchedule, "when to run, in crontab's five fields (default: each job's BACKUP_SCHEDULE)")
	g.jobFlag(cmd)
	return cmd
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
