package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
)

// parseLocation reads BACKUP_NAME_TIMEZONE: an IANA name, or Local.
func parseLocation(name string) (*time.Location, error) {
	if strings.EqualFold(name, "local") {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, &dbbackup.ConfigError{Var: "BACKUP_NAME_TIMEZONE", Problem: fmt.Sprintf("unknown time zone %q", name),
			Hint: "use an IANA name such as Europe/Moscow or UTC, or Local for the machine's zone"}
	}
	return loc, nil
}

// list splits a comma-separated value, dropping empty items.
func list(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// number parses a whole number in [min, max].
func number(name, s string, min, max int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, &dbbackup.ConfigError{Var: name, Problem: fmt.Sprintf("%q is not a whole number from %d to %d", s, min, max),
			Hint: fmt.Sprintf("set %s to a number from %d to %d, or remove it for the default", name, min, max)}
	}
	return n, nil
}

// boolean parses true or false (and 1/0, t/f, as strconv does).
func boolean(name, s string) (bool, error) {
	b, err := strconv.ParseBool(strings.ToLower(s))
	if err != nil {
		return false, &dbbackup.ConfigError{Var: name, Problem: fmt.Sprintf("%q is not true or false", s), Hint: "use true or false"}
	}
	return b, nil
}

// withDefaults reads a variable, trimmed, or def when it is empty or unset.
func withDefaults(get func(string) string) func(name, def string) string {
	return func(name, def string) string {
		if s := strings.TrimSpace(get(name)); s != "" {
			return s
		}
		return def
	}
}

// or is s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
