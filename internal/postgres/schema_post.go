package postgres

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// postData is what goes after the rows.
type postData struct {
	constraints []constraint
	indexes     []string // CREATE INDEX statements
}

// constraint is a key, exclusion, check or foreign key of a relation.
type constraint struct {
	rel, ref  uint32 // ref: a foreign key's referenced table
	name      string
	kind      byte // pg_constraint.contype
	def       string
	inherited bool // coninhcount > 0: it comes from a parent too
}

// constraintsSQL lists the constraints of the relations $1 that are made
// on their own: copies PostgreSQL makes on partitions (conparentid) are
// left to it.
const constraintsSQL = `
SELECT k.conrelid, k.confrelid, k.conname, k.contype::text, pg_get_constraintdef(k.oid), k.coninhcount > 0
FROM pg_constraint k
WHERE k.conrelid = ANY($1) AND k.contype IN ('p', 'u', 'x', 'c', 'f') AND k.conparentid = 0`

func (s *Snapshot) readConstraints(ctx context.Context, sc *schema) error {
	rows, err := s.conn.Query(ctx, constraintsSQL, sc.oids())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c constraint
		var kind string
		if err := rows.Scan(&c.rel, &c.ref, &c.name, &kind, &c.def, &c.inherited); err != nil {
			return err
		}
		c.kind = kind[0]
		// A table made with INHERITS (or PARTITION OF) gets its parents'
		// constraints when they are added to them.
		if c.inherited && sc.byOID[c.rel].inherits {
			continue
		}
		sc.post.constraints = append(sc.post.constraints, c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Keys before the foreign keys that need them; within a kind, in the
	// order of the tables.
	order := map[uint32]int{}
	for i, r := range sc.rels {
		order[r.oid] = i
	}
	rank := map[byte]int{'p': 0, 'u': 1, 'x': 2, 'c': 3, 'f': 4}
	cs := sc.post.constraints
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		switch {
		case rank[a.kind] != rank[b.kind]:
			return rank[a.kind] < rank[b.kind]
		case a.rel != b.rel:
			return order[a.rel] < order[b.rel]
		}
		return a.name < b.name
	})
	return nil
}

// schemaIndexesSQL lists the indexes of the relations $1 that no
// constraint makes and that are not a partition's part of an index its
// parent has. pg_get_indexdef writes a partitioned table's index ON ONLY
// the table; quote_ident(relname) lets that be undone exactly.
const schemaIndexesSQL = `
SELECT i.indrelid, pg_get_indexdef(i.indexrelid), c.relkind = 'I', quote_ident(c.relname)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = ANY($1)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
ORDER BY c.relname COLLATE "C"`

func (s *Snapshot) readIndexes(ctx context.Context, sc *schema) error {
	rows, err := s.conn.Query(ctx, schemaIndexesSQL, sc.oids())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rel uint32
		var def, name string
		var partitioned bool
		if err := rows.Scan(&rel, &def, &partitioned, &name); err != nil {
			return err
		}
		if partitioned {
			// Made on the parent alone, it would be invalid until every
			// partition's index were attached: made on the table, it
			// makes them.
			for _, create := range []string{"CREATE INDEX ", "CREATE UNIQUE INDEX "} {
				if only := create + name + " ON ONLY "; strings.HasPrefix(def, only) {
					def = create + name + " ON " + def[len(only):]
				}
			}
		}
		sc.post.indexes = append(sc.post.indexes, def+";")
	}
	return rows.Err()
}

// writePostData writes keys, checks, foreign keys between the set's
// tables (the others as comments), indexes and sequence values.
func (sc *schema) writePostData(w io.Writer) {
	var stmts, outside []string
	for _, c := range sc.post.constraints {
		stmt := "ALTER TABLE " + sc.byOID[c.rel].qname + " ADD CONSTRAINT " + quoteIdent(c.name) + " " + c.def + ";"
		if _, ok := sc.byOID[c.ref]; c.kind == 'f' && !ok {
			outside = append(outside, "-- "+stmt)
			continue
		}
		stmts = append(stmts, stmt)
	}
	section(w, stmts)
	if len(outside) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "-- Foreign keys to tables that are not in this set, left out:")
		for _, s := range outside {
			fmt.Fprintln(w, s)
		}
	}
	section(w, sc.post.indexes)
	var vals []string
	for _, q := range sc.sequences {
		name := quoteLiteral(q.qname)
		if q.identity != "" {
			name = "pg_catalog.pg_get_serial_sequence(" + quoteLiteral(q.identityTable) + ", " + quoteLiteral(q.identityColumn) + ")"
		}
		vals = append(vals, fmt.Sprintf("SELECT pg_catalog.setval(%s, %d, %t);", name, q.last, q.called))
	}
	section(w, vals)
}
