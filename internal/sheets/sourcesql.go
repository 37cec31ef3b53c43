package sheets

import (
	"context"
	"fmt"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/jackc/pgx/v5"
)

// The SQL a sync runs. A query is wrapped as a CTE, "WITH src AS (…)",
// which takes any SELECT, VALUES or TABLE, its own WITH included, and
// which a query that writes (DELETE … RETURNING, a writing CTE) cannot
// escape: the read-only transaction refuses it. Newlines around the query
// keep a comment on the query's last line from swallowing the closing
// parenthesis; oneStatement has dropped what ends it.

func wrap(base, tail string) string {
	return "WITH src AS (\n" + base + "\n) " + tail
}

// relationSQL finds a relation by schema and name.
const relationSQL = `
SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`

// relationsSQL lists what a misspelt name may have meant.
const relationsSQL = `
SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'`

// primaryKeySQL lists a table's primary-key columns in key order.
const primaryKeySQL = `
SELECT a.attname FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
WHERE i.indrelid = $1 AND i.indisprimary
ORDER BY array_position(i.indkey::int2[], a.attnum)`

// tableSQL is the query that reads a table: every column, in primary-key
// order when it has one, so that the sheet reads sorted.
func tableSQL(ctx context.Context, conn pgx.Tx, table string) (string, error) {
	schema, name, err := splitTable(table)
	if err != nil {
		return "", err
	}
	var oid uint32
	err = conn.QueryRow(ctx, relationSQL, schema, name).Scan(&oid)
	if err == pgx.ErrNoRows {
		return "", missingTable(ctx, conn, table)
	}
	if err != nil {
		return "", fmt.Errorf("look up table %s: %w", table, err)
	}
	rows, err := conn.Query(ctx, primaryKeySQL, oid)
	if err != nil {
		return "", fmt.Errorf("read the primary key of %s: %w", table, err)
	}
	pk, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", fmt.Errorf("read the primary key of %s: %w", table, err)
	}
	sql := "SELECT * FROM " + pgx.Identifier{schema, name}.Sanitize()
	if len(pk) > 0 {
		quoted := make([]string, len(pk))
		for i, c := range pk {
			quoted[i] = pgx.Identifier{c}.Sanitize()
		}
		sql += " ORDER BY " + strings.Join(quoted, ", ")
	}
	return sql, nil
}

// missingTable says that table does not exist, and which one was meant.
func missingTable(ctx context.Context, conn pgx.Tx, table string) error {
	msg := fmt.Sprintf("table %s does not exist in the database (or the role may not see it)", table)
	rows, err := conn.Query(ctx, relationsSQL)
	if err != nil {
		return fmt.Errorf("%s", msg)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err == nil {
		if near := dbbackup.Nearest(table, names, 3); near != "" {
			return &dbbackup.HintError{Err: fmt.Errorf("%s", msg), Hint: "did you mean " + near + "?"}
		}
	}
	return fmt.Errorf("%s", msg)
}

// keyFilter limits an append to rows after the last key, compared as
// the key's type (typeName, format_type's spelling), and orders them by
// the key. after is false when no key was synced yet.
func keyFilter(key, typeName string, after bool) (where, order string) {
	k := "src." + pgx.Identifier{key}.Sanitize()
	where = " WHERE " + k + " IS NOT NULL"
	if after {
		where = " WHERE " + k + " > CAST($1::text AS " + typeName + ")"
	}
	return where, " ORDER BY " + k
}
