package dbbackup

import (
	"fmt"
	"strings"
)

// Scope chooses the tables of a backup. Patterns are schema-qualified names
// (schema.table) in which * matches any run of characters; matching is
// case-sensitive, as PostgreSQL's identifiers are.
type Scope struct {
	Schemas []string // BACKUP_SCHEMAS; empty: every non-system schema
	Tables  []string // BACKUP_TABLES; empty: every table
	Exclude []string // BACKUP_EXCLUDE_TABLES
}

// IsSet reports whether the scope narrows the backup at all.
func (s Scope) IsSet() bool { return len(s.Schemas)+len(s.Tables)+len(s.Exclude) > 0 }

// Select returns the tables of all that are in scope, in order. A schema or
// pattern that matches nothing is a ConfigError: it is a typo or a table
// that was dropped, and a backup that silently skips it would lose data.
func (s Scope) Select(all []Table) ([]Table, error) {
	checks := []struct {
		variable string
		what     string
		patterns []string
		name     func(Table) string
	}{
		{"BACKUP_SCHEMAS", "schema", s.Schemas, func(t Table) string { return t.Schema }},
		{"BACKUP_TABLES", "table", s.Tables, Table.String},
		{"BACKUP_EXCLUDE_TABLES", "table", s.Exclude, Table.String},
	}
	for _, c := range checks {
		for _, p := range c.patterns {
			if !anyMatch(all, p, c.name) {
				return nil, &ConfigError{Var: c.variable,
					Problem: fmt.Sprintf("%q matches no %s in the database", p, c.what),
					Hint:    "check the spelling and case (names are case-sensitive; tables are written schema.table), or run `dbbackup check` to list what the database has"}
			}
		}
	}
	var out []Table
	for _, t := range all {
		if s.in(t) {
			out = append(out, t)
		}
	}
	if len(out) == 0 && len(all) > 0 {
		return nil, &ConfigError{Var: "BACKUP_EXCLUDE_TABLES", Problem: "it excludes every table in scope: nothing is left to back up",
			Hint: "check BACKUP_SCHEMAS, BACKUP_TABLES and BACKUP_EXCLUDE_TABLES"}
	}
	return out, nil // an empty database is backed up too: the dump keeps its schema
}

func (s Scope) in(t Table) bool {
	if len(s.Schemas) > 0 && !matchesAny(s.Schemas, t.Schema) {
		return false
	}
	if len(s.Tables) > 0 && !matchesAny(s.Tables, t.String()) {
		return false
	}
	return !matchesAny(s.Exclude, t.String())
}

func anyMatch(tables []Table, pattern string, name func(Table) string) bool {
	for _, t := range tables {
		if glob(pattern, name(t)) {
			return true
		}
	}
	return false
}

func matchesAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if glob(p, s) {
			return true
		}
	}
	return false
}

// glob reports whether s matches pattern, where * matches any run of
// characters (dots included) and every other character only itself.
func glob(pattern, s string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == s
	}
	if !strings.HasPrefix(s, pattern[:star]) {
		return false
	}
	s, pattern = s[star:], pattern[star+1:]
	for i := 0; i <= len(s); i++ {
		if glob(pattern, s[i:]) {
			return true
		}
	}
	return false
}
