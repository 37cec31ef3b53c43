package postgres

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/dbbackup/dbbackup"
	"github.com/jackc/pgx/v5"
)

var _ dbbackup.SchemaWriter = (*Snapshot)(nil)

// schema is what a set's schema file says, read from the catalog at once:
// it is small next to the rows.
type schema struct {
	rels       []*relation // parents before their children
	byOID      map[uint32]*relation
	extensions []string // CREATE EXTENSION statements
	extSchemas []string // the schemas they go in
	types      []userType
	sequences  []*sequence // every sequence the tables use, identity ones too
	post       postData
}

// relation is a table of the set, or a partition of one at any level.
type relation struct {
	oid                   uint32
	schema, name, qname   string
	partitioned, unlogged bool
	partition             bool
	partKey, bound        string   // PARTITION BY …, FOR VALUES … (or DEFAULT)
	parents               []uint32 // inheritance or partition parents, in order
	parentNames           []string // theirs, quoted
	// inherits: the table is made with INHERITS, every parent being in the
	// set; else it gets all its columns as its own.
	inherits bool
	columns  []column
}

// WriteSchema implements dbbackup.SchemaWriter. It reads the catalog in
// the snapshot's transaction with an empty search_path, so that every name
// PostgreSQL prints (format_type, pg_get_expr, pg_get_constraintdef, …) is
// schema-qualified; the session's search_path is put back after.
func (s *Snapshot) WriteSchema(ctx context.Context, tables []dbbackup.Table, w io.Writer) error {
	var old string
	if err := s.conn.QueryRow(ctx, `SELECT current_setting('search_path'), set_config('search_path', '', true)`).Scan(&old, new(string)); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	sc, err := s.readSchema(ctx, tables)
	if _, rerr := s.conn.Exec(ctx, `SELECT set_config('search_path', $1, true)`, old); err == nil && rerr != nil {
		err = fmt.Errorf("schema: %w", rerr)
	}
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	sc.write(bw, s.info)
	return bw.Flush()
}

func (s *Snapshot) readSchema(ctx context.Context, tables []dbbackup.Table) (*schema, error) {
	sc := &schema{byOID: map[uint32]*relation{}}
	steps := []struct {
		what string
		read func(context.Context, *schema) error
	}{
		{"tables", func(ctx context.Context, sc *schema) error { return s.readRelations(ctx, sc, tables) }},
		{"columns", s.readColumns},
		{"types", s.readTypes},
		{"extensions", s.readExtensions},
		{"sequences", s.readSequences},
		{"constraints", s.readConstraints},
		{"indexes", s.readIndexes},
	}
	for _, st := range steps {
		if err := st.read(ctx, sc); err != nil {
			return nil, fmt.Errorf("schema: read %s: %w", st.what, err)
		}
	}
	return sc, nil
}

// oids lists the set's relations.
func (sc *schema) oids() []uint32 {
	oids := make([]uint32, len(sc.rels))
	for i, r := range sc.rels {
		oids[i] = r.oid
	}
	return oids
}

// schemaRelationsSQL finds the tables by name and walks down to their
// partitions at every level.
const schemaRelationsSQL = `
WITH RECURSIVE tree(oid) AS (
  SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN unnest($1::text[], $2::text[]) AS g(nsp, rel) ON g.nsp = n.nspname AND g.rel = c.relname
  WHERE c.relkind IN ('r', 'p')
  UNION
  SELECT i.inhrelid FROM tree t JOIN pg_inherits i ON i.inhparent = t.oid
  JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relispartition
)
SELECT c.oid, n.nspname, c.relname, c.oid::regclass::text, c.relkind = 'p', c.relispartition,
  c.relpersistence = 'u', coalesce(pg_get_partkeydef(c.oid), ''),
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) ELSE '' END,
  coalesce((SELECT array_agg(i.inhparent ORDER BY i.inhseqno) FROM pg_inherits i WHERE i.inhrelid = c.oid), '{}')
FROM tree JOIN pg_class c ON c.oid = tree.oid JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`

func (s *Snapshot) readRelations(ctx context.Context, sc *schema, tables []dbbackup.Table) error {
	var schemas, names []string
	for _, t := range tables {
		schemas, names = append(schemas, t.Schema), append(names, t.Name)
	}
	rows, err := s.conn.Query(ctx, schemaRelationsSQL, schemas, names)
	if err != nil {
		return err
	}
	defer rows.Close()
	var all []*relation
	for rows.Next() {
		r := &relation{}
		if err := rows.Scan(&r.oid, &r.schema, &r.name, &r.qname, &r.partitioned, &r.partition,
			&r.unlogged, &r.partKey, &r.bound, &r.parents); err != nil {
			return err
		}
		all = append(all, r)
		sc.byOID[r.oid] = r
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Parents first, so that each CREATE finds what it inherits from.
	done := map[uint32]bool{}
	var visit func(r *relation)
	visit = func(r *relation) {
		if done[r.oid] {
			return
		}
		done[r.oid] = true
		r.inherits = len(r.parents) > 0
		for _, p := range r.parents {
			if pr, ok := sc.byOID[p]; ok {
				visit(pr)
				r.parentNames = append(r.parentNames, pr.qname)
			} else {
				r.inherits = false
			}
		}
		sc.rels = append(sc.rels, r)
	}
	for _, r := range all {
		visit(r)
	}
	return nil
}

// write writes the file: a header for people, then the two sections.
func (sc *schema) write(w *bufio.Writer, info dbbackup.SnapshotInfo) {
	fmt.Fprintf(w, `-- The schema of the tables of database %s (PostgreSQL %s),
-- read from its catalog at %s, in the snapshot the set's files were read from.
-- Plain SQL, every name schema-qualified. It holds the schemas, extensions and
-- types the tables use, their sequences, the tables with their columns, defaults,
-- identity and generated columns, partitions and inheritance (before the rows),
-- then keys, checks, foreign keys between the set's tables, indexes and the value
-- of every sequence (after the rows). Functions, views, triggers, policies,
-- ownership and grants are left out: the dump format keeps them.
--
-- To load the set into an empty database with psql, cut this file at its two
-- marker lines, run the first part, load every table, then run the second part:
--   sed -n '/^%s$/,/^%s$/p' THIS.schema.sql > pre.sql
--   sed -n '/^%s$/,$p' THIS.schema.sql > post.sql
--   psql -v ON_ERROR_STOP=1 -d NEWDB -f pre.sql
--   psql -d NEWDB -c "\copy schema.table FROM 'schema.table.csv' WITH (FORMAT csv, HEADER)"   (each table)
--   psql -v ON_ERROR_STOP=1 -d NEWDB -f post.sql
-- 'dbbackup restore' does all of it in one transaction.

`, info.Database, info.ServerVersion, info.SnapshotTime.Format("2006-01-02 15:04:05 -0700"),
		dbbackup.SchemaPreData, dbbackup.SchemaPostData, dbbackup.SchemaPostData)
	fmt.Fprintln(w, dbbackup.SchemaPreData)
	sc.writePreData(w)
	fmt.Fprintln(w)
	fmt.Fprintln(w, dbbackup.SchemaPostData)
	sc.writePostData(w)
}

// writePreData writes what the rows need: schemas, extensions, types,
// sequences, tables, then which column owns each sequence.
func (sc *schema) writePreData(w io.Writer) {
	schemas := map[string]bool{}
	for _, r := range sc.rels {
		schemas[r.schema] = true
	}
	for _, t := range sc.types {
		schemas[t.schema] = true
	}
	for _, q := range sc.sequences {
		schemas[q.schema] = true
	}
	for _, n := range sc.extSchemas {
		schemas[n] = true
	}
	var names []string
	for n := range schemas {
		if n != "public" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) > 0 {
		fmt.Fprintln(w)
	}
	for _, n := range names {
		fmt.Fprintf(w, "CREATE SCHEMA IF NOT EXISTS %s;\n", quoteIdent(n))
	}
	section(w, sc.extensions)
	var types []string
	for _, t := range sc.types {
		types = append(types, t.ddl)
	}
	section(w, types)
	var seqs, owned []string
	for _, q := range sc.sequences {
		if q.identity == "" {
			seqs = append(seqs, "CREATE SEQUENCE "+q.qname+" AS "+q.typ+q.options()+";")
			if q.ownedBy != "" {
				owned = append(owned, "ALTER SEQUENCE "+q.qname+" OWNED BY "+q.ownedBy+";")
			}
		}
	}
	section(w, seqs)
	byOID := map[uint32]*sequence{}
	for _, q := range sc.sequences {
		byOID[q.oid] = q
	}
	for _, r := range sc.rels {
		fmt.Fprintln(w)
		fmt.Fprintln(w, r.create(byOID))
	}
	section(w, owned)
}

// section writes statements after an empty line, when there are any.
func section(w io.Writer, statements []string) {
	if len(statements) == 0 {
		return
	}
	fmt.Fprintln(w)
	for _, s := range statements {
		fmt.Fprintln(w, s)
	}
}

func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }
