package dbbackup

import (
	"context"
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

// SelectFrom lists the tables of snap that are in scope (see Select) and, when
// snap is a Catalog, refuses the scope before anything is exported if it
// names a view or holds a table snap may not read.
func (s Scope) SelectFrom(ctx context.Context, snap Snapshot) ([]Table, error) {
	all, err := snap.Tables(ctx)
	if err != nil {
		return nil, err
	}
	cat, isCatalog := snap.(Catalog)
	var others []Relation
	if isCatalog {
		if others, err = cat.Relations(ctx); err != nil {
			return nil, err
		}
	}
	tables, err := s.Select(all, others...)
	if err != nil || !isCatalog {
		return tables, err
	}
	return tables, cat.CheckReadable(ctx, tables)
}

// Select returns the tables of all that are in scope, in order. A schema or
// pattern that matches nothing is a ConfigError: it is a typo or a table
// that was dropped, and a backup that silently skips it would lose data.
// The error says when a pattern names one of others (a view) instead, or
// which name a misspelt one most likely meant.
func (s Scope) Select(all []Table, others ...Relation) ([]Table, error) {
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
				return nil, noMatch(c.variable, c.what, p, all, others, c.name)
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

// noMatch is the error for a pattern that matches no table (or schema).
func noMatch(variable, what, pattern string, all []Table, others []Relation, name func(Table) string) error {
	if what == "table" {
		for _, r := range others {
			if glob(pattern, r.String()) {
				return &ConfigError{Var: variable, Problem: fmt.Sprintf("%s is a %s (dbbackup backs up tables)", r, r.Kind),
					Hint: "name the tables it reads instead; without BACKUP_TABLES a dump keeps its definition"}
			}
		}
	}
	problem := fmt.Sprintf("%q matches no %s in the database", pattern, what)
	if !strings.Contains(pattern, "*") {
		var names []string
		for _, t := range all {
			names = append(names, name(t))
		}
		if near := Nearest(pattern, names, 3); near != "" {
			problem += ": did you mean " + near + "?"
		}
	}
	return &ConfigError{Var: variable, Problem: problem,
		Hint: "check the spelling and case (names are case-sensitive; tables are written schema.table), or run `dbbackup check` to list what the database has"}
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
