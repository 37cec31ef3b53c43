package config

import (
	"net/url"
	"sort"
	"strings"

	"github.com/dbbackup/dbbackup/internal/libpq"
)

// connString folds the .env file's libpq variables that the environment
// does not set into dbURL (DATABASE_URL), as defaults it may override.
// defaults is true when no libpq variable is set anywhere and dbURL is
// empty: the connection is libpq's default then.
func connString(dbURL string, file map[string]string, e env) (conn string, defaults bool) {
	fromFile := map[string]string{} // keyword → value
	anySet := false
	for name, keyword := range libpq.Vars {
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
		"host": u.Hostname() != "", "port": u.Port() != "", "database": strings.Trim(u.Path, "/") != "",
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
