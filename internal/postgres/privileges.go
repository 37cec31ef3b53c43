package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/jackc/pgx/v5"
)

var _ dbbackup.Catalog = (*Snapshot)(nil)

// relationsSQL lists what a scope may name that is not a table to read.
const relationsSQL = `
SELECT n.nspname, c.relname, CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'foreign table' END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm', 'f')
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`

// Relations implements dbbackup.Catalog.
func (s *Snapshot) Relations(ctx context.Context) ([]dbbackup.Relation, error) {
	rows, err := s.conn.Query(ctx, relationsSQL)
	if err != nil {
		return nil, fmt.Errorf("list views: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (dbbackup.Relation, error) {
		var r dbbackup.Relation
		return r, row.Scan(&r.Schema, &r.Name, &r.Kind)
	})
	if err != nil {
		return nil, fmt.Errorf("list views: %w", err)
	}
	return out, nil
}

// deniedSQL finds, among the tables named by two arrays (schemas, names),
// those the session may not read, and whether it lacks USAGE on the schema.
const deniedSQL = `
SELECT t.s, t.n, NOT has_schema_privilege(n.oid, 'USAGE')
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(s, n, i)
JOIN pg_namespace n ON n.nspname = t.s
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.n
WHERE NOT (has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'))
ORDER BY t.i`

// CheckReadable implements dbbackup.Catalog: it asks the catalog about
// every table at once, reading none (a refused read would end the
// snapshot's transaction), and names every table it may not read with the
// GRANT that fixes it.
func (s *Snapshot) CheckReadable(ctx context.Context, tables []dbbackup.Table) error {
	schemas, names := make([]string, len(tables)), make([]string, len(tables))
	for i, t := range tables {
		schemas[i], names[i] = t.Schema, t.Name
	}
	rows, err := s.conn.Query(ctx, deniedSQL, schemas, names)
	if err != nil {
		return fmt.Errorf("check read access: %w", err)
	}
	defer rows.Close()
	var denied, grants, noUsage []string
	seen := map[string]bool{}
	for rows.Next() {
		var t dbbackup.Table
		var schemaDenied bool
		if err := rows.Scan(&t.Schema, &t.Name, &schemaDenied); err != nil {
			return fmt.Errorf("check read access: %w", err)
		}
		denied = append(denied, t.String())
		grants = append(grants, quoteTable(t))
		if schemaDenied && !seen[t.Schema] {
			seen[t.Schema] = true
			noUsage = append(noUsage, pgx.Identifier{t.Schema}.Sanitize())
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check read access: %w", err)
	}
	if len(denied) == 0 {
		return nil
	}
	var role string
	if err := s.conn.QueryRow(ctx, "SELECT current_user").Scan(&role); err != nil {
		return fmt.Errorf("check read access: %w", err)
	}
	who := pgx.Identifier{role}.Sanitize()
	fix := "GRANT SELECT ON " + strings.Join(grants, ", ") + " TO " + who + ";"
	if len(noUsage) > 0 {
		fix = "GRANT USAGE ON SCHEMA " + strings.Join(noUsage, ", ") + " TO " + who + "; " + fix
	}
	return dbbackup.WithHint(fmt.Errorf("role %s may not read %d of the %d tables in scope: %s; nothing was exported",
		role, len(denied), len(tables), strings.Join(denied, ", ")),
		"as a superuser, run: %s — or, for every table now and later (PostgreSQL 14+): GRANT pg_read_all_data TO %s;", fix, who)
}
