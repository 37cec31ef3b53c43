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
			if n := len(strings.Fields(schedule)); n != 5 {
				return usageError{fmt.Errorf("--schedule %q has %d fields; cron wants 5: minute hour day month weekday, e.g. \"0 2 * * *\"", schedule, n)}
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
			fmt.Fprintf(out, "%s cd %s && %s run >> %s 2>&1\n", schedule, quote(dir), quote(bin), quote(filepath.Join(logs, "backup_cron.log")))
			if _, err := os.Stat(logs); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "Create the log folder first: mkdir -p %s\n", quote(logs))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&schedule, "schedule", "0 2 * * *", "when to run, in crontab's five fields")
	return cmd
}

// quote protects a path with spaces for the shell that cron runs.
func quote(s string) string {
	if strings.ContainsAny(s, " '\"$`\\") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}
