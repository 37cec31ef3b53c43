package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/spf13/cobra"
)

// userJSON is one user in `dbbackup users --json`; the names are stable.
type userJSON struct {
	Name    string    `json:"name"`
	Role    string    `json:"role"` // "admin" or "viewer"
	Created time.Time `json:"created"`
}

// usersOptions are the flags of users.
type usersOptions struct {
	asJSON bool
}

func newUsersCommand(g *globals) *cobra.Command {
	var opts usersOptions
	cmd := &cobra.Command{
		Use:   "users",
		Short: "List the users of the web UI and their roles",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runUsers(cmd.Context(), g, opts) },
	}
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print JSON (field names are stable; see the README)")
	return cmd
}

func runUsers(ctx context.Context, g *globals, opts usersOptions) error {
	var users []state.User
	s, err := g.userStore(false)
	if err != nil {
		return err
	}
	if s != nil {
		defer s.Close()
		if users, err = s.Users(ctx); err != nil {
			return err
		}
	}
	if opts.asJSON {
		out := []userJSON{} // [] rather than null when there is none
		for _, u := range users {
			out = append(out, userJSON{Name: u.Name, Role: string(u.Role), Created: u.Created})
		}
		return writeJSON(g.stdout, out)
	}
	if len(users) == 0 {
		fmt.Fprintln(g.stdout, "No users yet: `dbbackup user add NAME --role admin` makes the first.")
		return nil
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tROLE\tADDED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Role, u.Created.Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}
