package postgres

import (
	"context"
	"fmt"

	"github.com/dbbackup/dbbackup"
	"github.com/jackc/pgx/v5"
)

// partitionsSQL lists the partitions, at every level, of the partitioned
// tables among $1, with the table each belongs to. pg_inherits is walked
// (not pg_partition_tree) so that PostgreSQL 10 and 11 work too.
const partitionsSQL = `
WITH RECURSIVE tree(root, child) AS (
  SELECT i.inhparent, i.inhrelid FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
  WHERE i.inhparent = ANY($1) AND p.relkind = 'p'
  UNION ALL
  SELECT t.root, i.inhrelid FROM tree t JOIN pg_inherits i ON i.inhparent = t.child
)
SELECT t.root, n.nspname, c.relname
FROM tree t JOIN pg_class c ON c.oid = t.child JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`

// addPartitions fills Table.Partitions of the partitioned tables among
// tables; oids[i] is tables[i]'s.
func addPartitions(ctx context.Context, conn *pgx.Conn, oids []uint32, tables []dbbackup.Table) error {
	index := make(map[uint32]int, len(oids))
	for i, oid := range oids {
		if tables[i].Partitioned {
			index[oid] = i
		}
	}
	if len(index) == 0 {
		return nil
	}
	rows, err := conn.Query(ctx, partitionsSQL, oids)
	if err != nil {
		return fmt.Errorf("list partitions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var root uint32
		var p dbbackup.Table
		if err := rows.Scan(&root, &p.Schema, &p.Name); err != nil {
			return fmt.Errorf("list partitions: %w", err)
		}
		if i, ok := index[root]; ok {
			tables[i].Partitions = append(tables[i].Partitions, p)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list partitions: %w", err)
	}
	return nil
}
