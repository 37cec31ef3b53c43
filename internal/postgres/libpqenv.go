package postgres

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// envNames maps libpq connection keywords to the environment variables
// libpq tools read. Keywords without one (pgx's own pool settings) are
// dropped.
var envNames = map[string]string{
	"host": "PGHOST", "hostaddr": "PGHOSTADDR", "port": "PGPORT", "dbname": "PGDATABASE",
	"user": "PGUSER", "password": "PGPASSWORD", "passfile": "PGPASSFILE",
	"options": "PGOPTIONS", "application_name": "PGAPPNAME", "connect_timeout": "PGCONNECT_TIMEOUT",
	"sslmode": "PGSSLMODE", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "sslrootcert": "PGSSLROOTCERT",
	"sslcrl": "PGSSLCRL", "sslpassword": "PGSSLPASSWORD", "sslnegotiation": "PGSSLNEGOTIATION",
	"requiressl": "PGREQUIRESSL", "gssencmode": "PGGSSENCMODE", "krbsrvname": "PGKRBSRVNAME",
	"channel_binding": "PGCHANNELBINDING", "service": "PGSERVICE", "servicefile": "PGSERVICEFILE",
	"target_session_attrs": "PGTARGETSESSIONATTRS", "load_balance_hosts": "PGLOADBALANCEHOSTS",
}

// LibpqEnv turns a connection string (URL or key=value) into libpq
// environment variables, so that a child process such as pg_dump connects
// to the same server without the password ever appearing on its command
// line. An empty connString gives no variables: the child inherits PG*.
func LibpqEnv(connString string) ([]string, error) {
	if connString == "" {
		return nil, nil
	}
	var settings map[string]string
	var err error
	if strings.HasPrefix(connString, "postgres://") || strings.HasPrefix(connString, "postgresql://") {
		settings, err = urlSettings(connString)
	} else {
		settings, err = keywordSettings(connString)
	}
	if err != nil {
		return nil, err
	}
	var env []string
	for k, v := range settings {
		if name, ok := envNames[k]; ok {
			env = append(env, name+"="+v)
		}
	}
	sort.Strings(env)
	return env, nil
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
