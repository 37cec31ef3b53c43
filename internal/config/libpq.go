package config

import (
	"net/url"
	"sort"
	"strings"
)

// libpqVars maps libpq's environment variables to their connection
// keywords. pgx and pg_dump read the process's own; those of the .env file
// reach them inside the connection string.
var libpqVars = map[string]string{
	"PGHOST": "host", "PGHOSTADDR": "hostaddr", "PGPORT": "port", "PGDATABASE": "dbname",
	"PGUSER": "user", "PGPASSWORD": "password", "PGPASSFILE": "passfile", "PGOPTIONS": "options",
	"PGAPPNAME": "application_name", "PGCONNECT_TIMEOUT": "connect_timeout", "PGSSLMODE": "sslmode",
	"PGSSLCERT": "sslcert", "PGSSLKEY": "sslkey", "PGSSLROOTCERT": "sslrootcert", "PGSSLCRL": "sslcrl",
	"PGSSLPASSWORD": "sslpassword", "PGSSLSNI": "sslsni", "PGREQUIREAUTH": "require_auth",
	"PGGSSENCMODE": "gssencmode", "PGKRBSRVNAME": "krbsrvname", "PGCHANNELBINDING": "channel_binding",
	"PGSERVICE": "service", "PGSERVICEFILE": "servicefile", "PGTARGETSESSIONATTRS": "target_session_attrs",
	"PGLOADBALANCEHOSTS": "load_balance_hosts", "PGTZ": "timezone",
}

// connString folds the .env file's libpq variables that the environment
// does not set into dbURL (DATABASE_URL), as defaults it may override.
// defaults is true when no libpq variable is set anywhere and dbURL is
// empty: the connection is libpq's default then.
func connString(dbURL string, file map[string]string, e env) (conn string, defaults bool) {
	fromFile := map[string]string{} // keyword → value
	anySet := false
	for name, keyword := range libpqVars {
		if v, ok := e.LookupEnv(name); ok && v != "" {
			anySet = true
		} else if v := file[name]; v != "" {
			anySet = true
			fromFile[keyword] = v
		}
	}
	if len(fromFile) == 0 {
		return dbURL, dbURL == "" && !anySet
	}
	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		return withURLDefaults(dbURL, fromFile), false
	}
	keywords := make([]string, 0, len(fromFile))
	for k := range fromFile {
		keywords = append(keywords, k)
	}
	sort.Strings(keywords)
	var b strings.Builder
	for _, k := range keywords {
		v := strings.ReplaceAll(strings.ReplaceAll(fromFile[k], `\`, `\\`), `'`, `\'`)
		b.WriteString(k + "='" + v + "' ")
	}
	// In key=value form a later keyword wins: DATABASE_URL's come last.
	return strings.TrimSpace(b.String() + dbURL), false
}

// withURLDefaults adds to a postgres:// URL, as query parameters, the
// settings it does not give itself. A URL net/url cannot read (several
// hosts) is left as it is.
func withURLDefaults(dbURL string, defaults map[string]string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL
	}
	q := u.Query()
	password, hasPassword := "", false
	if u.User != nil {
		password, hasPassword = u.User.Password()
	}
	given := map[string]bool{
		"host": u.Hostname() != "", "port": u.Port() != "", "dbname": strings.Trim(u.Path, "/") != "",
		"user": u.User != nil && u.User.Username() != "", "password": hasPassword && password != "",
	}
	for k, v := range defaults {
		if !given[k] && !q.Has(k) {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
