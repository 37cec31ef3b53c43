package postgres

import (
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/dbbackup/dbbackup/internal/libpq"
	"github.com/jackc/pgx/v5"
)

// libpqNames maps the settings pgx honours to the variables libpq reads.
// The password and passfile are not among them: they travel in a passfile
// (see Libpq.Password).
var libpqNames = map[string]string{
	"host": "PGHOST", "port": "PGPORT", "database": "PGDATABASE", "user": "PGUSER",
	"application_name": "PGAPPNAME", "connect_timeout": "PGCONNECT_TIMEOUT", "options": "PGOPTIONS",
	"timezone": "PGTZ", "krbsrvname": "PGKRBSRVNAME", "target_session_attrs": "PGTARGETSESSIONATTRS",
	"sslmode": "PGSSLMODE", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "sslrootcert": "PGSSLROOTCERT",
	"sslcertmode": "PGSSLCERTMODE", "sslsni": "PGSSLSNI", "sslnegotiation": "PGSSLNEGOTIATION",
	"channel_binding": "PGCHANNELBINDING", "require_auth": "PGREQUIREAUTH",
	"min_protocol_version": "PGMINPROTOCOLVERSION", "max_protocol_version": "PGMAXPROTOCOLVERSION",
}

// unmappable are settings pgx honours that no libpq variable carries: a
// child would connect with less than the main connection, so they are
// refused, with what to do instead.
var unmappable = map[string]string{
	"sslpassword": "libpq takes no key passphrase from the environment: use a client key without a passphrase, readable only by this user",
	"krbspn":      "libpq has no such setting: leave the Kerberos service principal to krbsrvname",
	"service":     "the service file's settings would take precedence over the connection string's in libpq: write the settings into the connection string instead",
}

// Libpq is how a libpq program (pg_dump, pg_restore) reaches the database
// the main connection reaches, with the same settings.
type Libpq struct {
	// Env holds the PG* variables, sorted: every setting pgx honours, from
	// the connection string or pgx's PG* variables. sslmode is always
	// there (libpq's and pgx's default, prefer, when unset). Never the
	// password.
	Env []string
	// Password is the password pgx sends (from the string, PGPASSWORD or
	// the passfile), to be handed over in a passfile of the child's own.
	Password string
	// PasswordInString is true when the connection string itself holds
	// the password: as a command-line argument, anyone may read it.
	PasswordInString bool
	// Database is the database named by the string itself (empty: none
	// there; libpq would fall back to PGDATABASE, then the user name).
	Database string
}

// LibpqEnv reads a connection string (URL or key=value; empty means the
// PG* variables alone) as pgx does and returns what a libpq child process
// needs to connect the same way, the password never on its command line
// or in its environment. A setting that cannot be handed over is an error.
func LibpqEnv(connString string) (Libpq, error) {
	own, err := parseConnString(connString)
	if err != nil {
		return Libpq{}, err
	}
	settings := map[string]string{}
	for name, key := range libpq.Vars {
		if v := os.Getenv(name); v != "" {
			settings[key] = v
		}
	}
	for k, v := range own {
		settings[k] = v
	}
	for k := range settings {
		if why, ok := unmappable[k]; ok {
			return Libpq{}, fmt.Errorf("%s cannot be passed on to pg_dump and pg_restore: %s", k, why)
		}
	}
	if settings["sslmode"] == "" {
		settings["sslmode"] = "prefer"
	}
	_, inString := own["password"]
	l := Libpq{Database: own["database"], PasswordInString: inString}
	for k, v := range settings {
		if name, ok := libpqNames[k]; ok {
			l.Env = append(l.Env, name+"="+v)
		}
	}
	sort.Strings(l.Env)
	cfg, err := pgx.ParseConfig(connString) // the password as the main connection finds it, passfile included
	if err != nil {
		return Libpq{}, fmt.Errorf("parse connection string: %s", parseProblem(err, connString))
	}
	l.Password = cfg.Password
	return l, nil
}

// parseProblem is pgx's reason for refusing connString, without the
// string itself: pgx masks the password only where it can find it.
func parseProblem(err error, connString string) string {
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, "`: "); ok && strings.HasPrefix(msg, "cannot parse `") {
		msg = after
	}
	return redact(msg, connString)
}

// parseConnString returns the settings a connection string sets itself,
// under pgx's names (dbname is database).
func parseConnString(connString string) (map[string]string, error) {
	var settings map[string]string
	var err error
	switch {
	case connString == "":
		return nil, nil
	case strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://"):
		settings, err = urlSettings(connString)
	default:
		settings, err = keywordSettings(connString)
	}
	if err != nil {
		return nil, err
	}
	if v, ok := settings["dbname"]; ok {
		settings["database"] = v
		delete(settings, "dbname")
	}
	if settings["ssl"] == "true" { // pgx's URL alias
		settings["sslmode"] = "require"
	}
	return settings, nil
}

// urlSettings reads a postgres:// URL, including libpq's several hosts
// (postgres://a:5432,b:5433/db), which net/url does not accept.
func urlSettings(s string) (map[string]string, error) {
	rest := s[strings.Index(s, "://")+3:]
	authority, path, _ := strings.Cut(rest, "/")
	path, query, _ := strings.Cut(path, "?")
	if strings.Contains(authority, "?") {
		authority, query, _ = strings.Cut(authority, "?")
	}
	settings := map[string]string{}
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		user, pass, hasPass := strings.Cut(authority[:at], ":")
		var err error
		if settings["user"], err = url.PathUnescape(user); err != nil {
			return nil, fmt.Errorf("connection URL: bad user name")
		}
		if hasPass {
			if settings["password"], err = url.PathUnescape(pass); err != nil {
				return nil, fmt.Errorf("connection URL: bad password encoding")
			}
		}
		authority = authority[at+1:]
	}
	var hosts, ports []string
	for _, hp := range strings.Split(authority, ",") {
		host, port := hp, ""
		if i := strings.LastIndex(hp, ":"); i >= 0 && !strings.HasSuffix(hp, "]") {
			host, port = hp[:i], hp[i+1:]
		}
		hosts = append(hosts, strings.Trim(host, "[]"))
		ports = append(ports, port)
	}
	if h := strings.Join(hosts, ","); h != "" {
		settings["host"], _ = url.PathUnescape(h)
	}
	if p := strings.Join(ports, ","); strings.Trim(p, ",") != "" {
		settings["port"] = p
	}
	if path != "" {
		settings["dbname"], _ = url.PathUnescape(path)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("connection URL: bad query parameters")
	}
	for k, v := range q {
		settings[k] = v[len(v)-1]
	}
	return settings, nil
}

// keywordSettings reads libpq's key=value form: values may be single-quoted,
// with \' and \\ escapes inside.
func keywordSettings(s string) (map[string]string, error) {
	settings := map[string]string{}
	for {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			return settings, nil
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return nil, fmt.Errorf("connection string: missing \"=\" after a keyword")
		}
		key := strings.TrimSpace(s[:eq])
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val strings.Builder
		if strings.HasPrefix(s, "'") {
			i := 1
			for ; i < len(s) && s[i] != '\''; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				val.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("connection string: unterminated quoted value for %s", key)
			}
			s = s[i+1:]
		} else {
			i := 0
			for ; i < len(s) && !strings.ContainsRune(" \t\n\r", rune(s[i])); i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				val.WriteByte(s[i])
			}
			s = s[i:]
		}
		settings[key] = val.String()
	}
}
