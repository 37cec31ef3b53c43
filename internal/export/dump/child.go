package dump

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// Conn is how pg_dump and pg_restore reach a database.
type Conn struct {
	// Env holds the libpq (PG*) variables of the connection, never the
	// password.
	Env []string
	// Password, when set, reaches the child in a passfile of its own,
	// readable by this user alone and removed when the child ends.
	Password string
}

// newerClient are the libpq variables that older clients ignore, with the
// setting's name and the major version that first reads it: an older
// client would connect with less than the main connection asks for (no
// channel binding, any authentication method, …), so it is refused.
var newerClient = map[string]struct {
	setting string
	major   int
}{
	"PGCHANNELBINDING": {"channel_binding", 13}, "PGSSLSNI": {"sslsni", 14},
	"PGREQUIREAUTH": {"require_auth", 16}, "PGSSLCERTMODE": {"sslcertmode", 16},
	"PGSSLNEGOTIATION":     {"sslnegotiation", 17},
	"PGMINPROTOCOLVERSION": {"min_protocol_version", 18}, "PGMAXPROTOCOLVERSION": {"max_protocol_version", 18},
}

// inherited are the variables of this process that a child gets: where
// programs are, the home folder (libpq's ~/.postgresql certificates), the
// language and the time zone. Nothing else: not SMTP_PASSWORD, not
// DATABASE_URL.
var inherited = []string{"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ"}

// check refuses a client (tool, version major, set by variable) that would
// ignore one of the connection's settings.
func (c Conn) check(tool, bin string, major int, variable string) error {
	var missing []string
	need := 0
	for _, kv := range c.Env {
		name, _, _ := strings.Cut(kv, "=")
		if n, ok := newerClient[name]; ok && major < n.major {
			missing = append(missing, n.setting)
			need = max(need, n.major)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	return &dbbackup.ConfigError{Var: variable,
		Problem: fmt.Sprintf("%s %d (%s) ignores %s, which the connection sets: it would connect with less security than dbbackup does", tool, major, bin, strings.Join(missing, ", ")),
		Hint:    fmt.Sprintf("install postgresql-client-%d or newer and set %s to its %s, or remove the setting from the connection string", need, variable, tool)}
}

// command returns bin run with args and an environment built from
// scratch: the inherited variables, the connection's and extra. done
// removes the passfile; call it when the command has ended.
func (c Conn) command(ctx context.Context, bin string, args []string, extra ...string) (cmd *exec.Cmd, done func(), err error) {
	env := append(append(inheritedEnv(), c.Env...), extra...)
	done = func() {}
	if c.Password != "" {
		path, err := passfile(c.Password)
		if err != nil {
			return nil, nil, err
		}
		env = append(env, "PGPASSFILE="+path)
		done = func() { os.Remove(path) }
	}
	cmd = exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	return cmd, done, nil
}

// inheritedEnv is the inherited variables' part of this process's
// environment.
func inheritedEnv() []string {
	env := []string{}
	for _, name := range inherited {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// version runs bin --version with the inherited variables alone.
func version(ctx context.Context, bin string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, "--version")
	cmd.Env = inheritedEnv()
	return cmd.Output()
}

// passfile writes password to a new file, mode 0600 from its creation, in
// libpq's passfile form that matches every host, port, database and user.
func passfile(password string) (string, error) {
	f, err := os.CreateTemp("", "dbbackup-pgpass-*") // 0600
	if err != nil {
		return "", fmt.Errorf("write the password file for the PostgreSQL client: %w", err)
	}
	esc := strings.NewReplacer(`\`, `\\`, `:`, `\:`).Replace(password)
	_, err = f.WriteString("*:*:*:*:" + esc + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write the password file for the PostgreSQL client: %w", err)
	}
	return f.Name(), nil
}
