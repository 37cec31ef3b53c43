package postgres

import (
	"context"
	"fmt"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtext"
	"github.com/jackc/pgx/v5"
)

// tablesSQL lists ordinary and partitioned tables outside the system
// schemas. Partitions are left out: their rows are read through the parent.
const tablesSQL = `
SELECT c.oid, n.nspname, c.relname, c.relkind = 'p'
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`

const columnsSQL = `
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid, a.attgenerated <> ''
FROM pg_attribute a
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`

// typesSQL has what is needed to find a type's kind: domains point to
// their base type, arrays have category 'A'.
const typesSQL = `SELECT oid, typtype = 'd', typbasetype, typcategory FROM pg_type`

// Tables implements dbbackup.Snapshot.
func (s *Snapshot) Tables(ctx context.Context) ([]dbbackup.Table, error) {
	return catalogTables(ctx, s.conn)
}

// catalogTables reads the tables, their columns and partitions from the
// catalog conn sees: a snapshot's, or a restore's once its tables are made.
func catalogTables(ctx context.Context, conn *pgx.Conn) ([]dbbackup.Table, error) {
	var oids []uint32
	var tables []dbbackup.Table
	rows, err := conn.Query(ctx, tablesSQL)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	for rows.Next() {
		var oid uint32
		var t dbbackup.Table
		if err := rows.Scan(&oid, &t.Schema, &t.Name, &t.Partitioned); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		oids = append(oids, oid)
		tables = append(tables, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	if err := addPartitions(ctx, conn, oids, tables); err != nil {
		return nil, err
	}
	kinds, err := kinds(ctx, conn)
	if err != nil {
		return nil, err
	}
	index := make(map[uint32]int, len(oids))
	for i, oid := range oids {
		index[oid] = i
	}
	rows, err = conn.Query(ctx, columnsSQL, oids)
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rel, typ uint32
		var c dbbackup.Column
		if err := rows.Scan(&rel, &c.Name, &c.Type, &typ, &c.Generated); err != nil {
			return nil, fmt.Errorf("list columns: %w", err)
		}
		c.Kind = kinds(typ)
		t := &tables[index[rel]]
		t.Columns = append(t.Columns, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	return tables, nil
}

// kinds loads the type catalog and returns a function that maps a type to
// the Kind of its values, looking through domains.
func kinds(ctx context.Context, conn *pgx.Conn) (func(oid uint32) dbbackup.Kind, error) {
	type pgType struct {
		domain   bool
		base     uint32
		category string
	}
	types := map[uint32]pgType{}
	rows, err := conn.Query(ctx, typesSQL)
	if err != nil {
		return nil, fmt.Errorf("list types: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var oid uint32
		var t pgType
		if err := rows.Scan(&oid, &t.domain, &t.base, &t.category); err != nil {
			return nil, fmt.Errorf("list types: %w", err)
		}
		types[oid] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list types: %w", err)
	}
	return func(oid uint32) dbbackup.Kind {
		for i := 0; i < 100 && types[oid].domain; i++ {
			oid = types[oid].base
		}
		if k, ok := pgtext.BuiltinKind(oid); ok {
			return k
		}
		if types[oid].category == "A" {
			return dbbackup.KindArray
		}
		return dbbackup.KindText
	}, nil
}
