package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

func newCronCommand() *cobra.Command {
	var schedule string
	cmd := &cobra.Command{
		Use:   "cron",
		Short: "Print the crontab line that runs the backup every night",
		Long: `Prints a crontab line for this installation: it changes to the current
folder (where .env is), runs this binary, and appends the output to
logs/backup_cron.log. Add it with "crontab -e".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkSchedule(schedule); err != nil {
				return usageError{fmt.Errorf("--schedule %q: %w", schedule, err)}
			}
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			bin, err := os.Executable()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if strings.Contains(bin, "go-build") { // go run: the binary is gone when it ends
				fmt.Fprintln(cmd.ErrOrStderr(), "Note: this is a temporary binary from `go run`; build one first:\n  go build -o dbbackup ./cmd/dbbackup && ./dbbackup cron")
				bin = filepath.Join(dir, "dbbackup")
			}
			logs := filepath.Join(dir, "logs")
			fmt.Fprintf(out, "%s cd %s && %s run >> %s 2>&1\n", schedule, cronQuote(dir), cronQuote(bin), cronQuote(filepath.Join(logs, "backup_cron.log")))
			if _, err := os.Stat(logs); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "Create the log folder first: mkdir -p %s\n", shellQuote(logs))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&schedule, "schedule", "0 2 * * *", "when to run, in crontab's five fields")
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
