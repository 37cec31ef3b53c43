package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/passwd"
	"github.com/dbbackup/dbbackup/internal/state"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newUserCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Add, change and remove the users of the web UI (dbbackup serve)",
		Long: `The web UI's users are kept in the state database (STATE_DIR) with their
passwords hashed (Argon2id). An admin may change things; a viewer sees
everything and changes nothing. The password is asked twice on a terminal,
without echo; otherwise one line is read from stdin, so that a script can
make users: printf '%s\n' "$PW" | dbbackup user add anna --role admin`,
	}
	cmd.AddCommand(newUserAddCommand(g), newUserPasswdCommand(g), newUserRemoveCommand(g))
	return cmd
}

// userAddOptions are the flags of user add.
type userAddOptions struct {
	role string
}

func newUserAddCommand(g *globals) *cobra.Command {
	var opts userAddOptions
	cmd := &cobra.Command{
		Use:   "add NAME --role admin|viewer",
		Short: "Add a user of the web UI (the password is read from the terminal or stdin)",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runUserAdd(cmd.Context(), g, opts, args) },
	}
	cmd.Flags().StringVar(&opts.role, "role", "", "admin (may change things) or viewer (sees everything, changes nothing)")
	return cmd
}

func runUserAdd(ctx context.Context, g *globals, opts userAddOptions, args []string) error {
	name := args[0]
	if opts.role == "" {
		return usageError{dbbackup.WithHint(errors.New("--role is required"), "--role admin may change things; --role viewer sees everything and changes nothing")}
	}
	role, err := state.ParseRole(opts.role)
	if err != nil {
		return err
	}
	if err := state.CheckUserName(name); err != nil {
		return err
	}
	s, err := g.userStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	// Before the password is typed, not after.
	if _, _, exists, err := s.UserHash(ctx, name); err != nil || exists {
		if err == nil {
			err = userExists(name)
		}
		return err
	}
	hash, err := g.newPassword(name)
	if err != nil {
		return err
	}
	if err := s.AddUser(ctx, name, role, hash); err != nil {
		if errors.Is(err, state.ErrUserExists) {
			return userExists(name)
		}
		return err
	}
	g.audit(ctx, s, "user add", fmt.Sprintf("%s as %s", name, role))
	fmt.Fprintf(g.stdout, "Added user %s (%s): they sign in to `dbbackup serve` with this password.\n", name, role)
	return nil
}

func userExists(name string) error {
	return usageError{dbbackup.WithHint(fmt.Errorf("user %s: %w", name, state.ErrUserExists),
		"change the password with `dbbackup user passwd %s`, or choose another name", name)}
}

func noUser(name string) error {
	return usageError{dbbackup.WithHint(fmt.Errorf("there is no user %s", name), "`dbbackup users` lists them")}
}

func newUserPasswdCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "passwd NAME",
		Short: "Change a user's password (the user's sessions end)",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runUserPasswd(cmd.Context(), g, args) },
	}
}

func runUserPasswd(ctx context.Context, g *globals, args []string) error {
	name := args[0]
	s, err := g.storeWithUser(ctx, name) // before the password is typed
	if err != nil {
		return err
	}
	defer s.Close()
	hash, err := g.newPassword(name)
	if err != nil {
		return err
	}
	if err := s.SetPassword(ctx, name, hash); err != nil {
		if errors.Is(err, dbbackup.ErrNotFound) {
			return noUser(name)
		}
		return err
	}
	g.audit(ctx, s, "user passwd", name)
	fmt.Fprintf(g.stdout, "Changed the password of %s; the user's sessions have ended.\n", name)
	return nil
}

func newUserRemoveCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a user of the web UI (the user's sessions end)",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runUserRemove(cmd.Context(), g, args) },
	}
}

func runUserRemove(ctx context.Context, g *globals, args []string) error {
	name := args[0]
	s, err := g.storeWithUser(ctx, name)
	if err != nil {
		return err
	}
	defer s.Close()
	ok, err := s.RemoveUser(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		return noUser(name)
	}
	g.audit(ctx, s, "user remove", name)
	fmt.Fprintf(g.stdout, "Removed user %s; the user's sessions have ended.\n", name)
	if admin, err := s.HasAdmin(ctx); err == nil && !admin {
		fmt.Fprintln(g.stderr, "Warning: no admin is left: `dbbackup serve` listens only on loopback until one is added with `dbbackup user add NAME --role admin`.")
	}
	return nil
}

// userStore opens the state database that keeps the users. With create
// it is made when missing (STATE_DIR checked first, as `job add` does);
// without, a missing one is nil: there are no users yet.
func (g *globals) userStore(create bool) (*state.Store, error) {
	inst, err := config.LoadInstallation(g.envFile.value, g.envFile.given)
	if err != nil {
		return nil, err
	}
	if !create {
		return app.OpenStoreIfAny(inst.StateDir)
	}
	if err := app.UsableDir("STATE_DIR", inst.StateDir, true); err != nil {
		return nil, err
	}
	return state.Open(inst.StateDir)
}

// storeWithUser opens the state database, which must hold user name.
func (g *globals) storeWithUser(ctx context.Context, name string) (*state.Store, error) {
	s, err := g.userStore(false)
	if err != nil || s == nil {
		return nil, cmp.Or(err, noUser(name))
	}
	if _, _, exists, err := s.UserHash(ctx, name); err != nil || !exists {
		s.Close()
		return nil, cmp.Or(err, noUser(name))
	}
	return s, nil
}

// audit records a change made on the command line in the audit log the
// web UI shows, under the name of the system user who made it. The
// change is made already: a failure to record it is only warned about.
func (g *globals) audit(ctx context.Context, s *state.Store, action, detail string) {
	if err := s.Audit(ctx, clock(), whoOnCommandLine(), action, detail); err != nil {
		fmt.Fprintf(g.stderr, "Warning: the audit log did not record it: %v\n", err)
	}
}

// whoOnCommandLine names, in the audit log and the history, what a person
// did from the command line: "command line (LOGIN)".
func whoOnCommandLine() string {
	who := "command line"
	if u, err := user.Current(); err == nil {
		who += " (" + u.Username + ")"
	}
	return who
}

// newPassword reads the password of user name and hashes it. On a
// terminal it is asked twice, without echo; otherwise it is the first
// line of stdin, so that scripts can set it.
func (g *globals) newPassword(name string) (string, error) {
	var pw string
	var err error
	if f, ok := g.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		pw, err = askTwice(func() ([]byte, error) { return term.ReadPassword(int(f.Fd())) }, g.stderr, name)
	} else {
		pw, err = passwordLine(g.stdin)
	}
	if err != nil {
		return "", err
	}
	return passwd.Hash(pw) // refuses a short one
}

// askTwice prompts on w for the password of user name, then for it again,
// reading each with read (which does not echo); a typo is an error
// rather than a password nobody knows.
func askTwice(read func() ([]byte, error), w io.Writer, name string) (string, error) {
	var answers [2]string
	for i, prompt := range []string{"Password for " + name + ": ", "The same again: "} {
		fmt.Fprint(w, prompt)
		b, err := read()
		fmt.Fprintln(w) // the Enter typed was not echoed
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		answers[i] = string(b)
		if i == 0 {
			// A short one is refused before it is typed twice.
			if err := passwd.Check(answers[0]); err != nil {
				return "", err
			}
		}
	}
	if answers[0] != answers[1] {
		return "", usageError{dbbackup.WithHint(errors.New("the two passwords differ"), "run the command again and type the same password twice")}
	}
	return answers[0], nil
}

// passwordLine is the first line of in, without its line end.
func passwordLine(in io.Reader) (string, error) {
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", usageError{dbbackup.WithHint(fmt.Errorf("no password on stdin: %v", err),
			"type it when asked on a terminal, or give it as one line: printf '%%s\\n' \"$PW\" | dbbackup user …")}
	}
	return strings.TrimRight(line, "\r\n"), nil
}
