package config

import (
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
)

// secretNames are the .env variables that hold a secret by themselves.
var secretNames = []string{"DBBACKUP_SECRET_KEY", "SMTP_PASSWORD", "PGPASSWORD"}

// exposedEnvFile warns when envFile holds a secret and other users of the
// machine may read it: the key in DBBACKUP_SECRET_KEY opens every stored
// job's password. "" when all is well.
func exposedEnvFile(envFile string, file map[string]string) string {
	st, err := os.Stat(envFile)
	if err != nil || st.Mode().Perm()&0o077 == 0 {
		return ""
	}
	var held []string
	for _, name := range secretNames {
		if file[name] != "" {
			held = append(held, name)
		}
	}
	if u, err := url.Parse(file["DATABASE_URL"]); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			held = append(held, "a password in DATABASE_URL")
		}
	} else if strings.Contains(file["DATABASE_URL"], "password=") {
		held = append(held, "a password in DATABASE_URL")
	}
	if len(held) == 0 {
		return ""
	}
	sort.Strings(held)
	return fmt.Sprintf("%s holds %s and other users of this machine can read it (mode %04o): chmod 600 %s",
		envFile, strings.Join(held, ", "), st.Mode().Perm(), envFile)
}
