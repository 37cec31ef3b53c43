package postgres

import (
	"context"
	"fmt"
	"strings"
)

// column is one column as CREATE TABLE gives it.
type column struct {
	name, typ, collation string // collation "" when the type's own
	def                  string // DEFAULT, or the generation expression
	identity, generated  string // pg_attribute's attidentity, attgenerated
	notNull, local       bool
	seq                  uint32 // the identity sequence
}

// schemaColumnsSQL reads every column of the set's relations with what
// CREATE TABLE says of it, and the identity sequence of identity columns.
const schemaColumnsSQL = `
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod),
  CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) ELSE '' END,
  coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text, a.attgenerated::text, a.attnotnull, a.attislocal,
  coalesce((SELECT dep.objid FROM pg_depend dep WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
    AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i' LIMIT 1), 0)
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`

func (s *Snapshot) readColumns(ctx context.Context, sc *schema) error {
	rows, err := s.conn.Query(ctx, schemaColumnsSQL, sc.oids())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rel uint32
		var c column
		if err := rows.Scan(&rel, &c.name, &c.typ, &c.collation, &c.def, &c.identity, &c.generated,
			&c.notNull, &c.local, &c.seq); err != nil {
			return err
		}
		r := sc.byOID[rel]
		r.columns = append(r.columns, c)
	}
	return rows.Err()
}

// create is the relation's CREATE TABLE statement. A partition takes its
// columns from its parent; a table made with INHERITS lists only the
// columns it has of its own.
func (r *relation) create(seqs map[uint32]*sequence) string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if r.unlogged {
		b.WriteString("UNLOGGED ")
	}
	b.WriteString("TABLE " + r.qname)
	if r.partition && r.inherits {
		b.WriteString(" PARTITION OF " + strings.Join(r.parentNames, ", ") + " " + r.bound)
	} else {
		var cols []string
		for _, c := range r.columns {
			if c.local || !r.inherits {
				cols = append(cols, "    "+c.definition(seqs[c.seq]))
			}
		}
		if len(cols) == 0 {
			b.WriteString(" ()")
		} else {
			b.WriteString(" (\n" + strings.Join(cols, ",\n") + "\n)")
		}
		if r.inherits {
			b.WriteString(" INHERITS (" + strings.Join(r.parentNames, ", ") + ")")
		}
	}
	if r.partitioned {
		b.WriteString(" PARTITION BY " + r.partKey)
	}
	b.WriteString(";")
	if len(r.parents) > 0 && !r.inherits {
		b.WriteString("\n-- " + r.qname + " inherits from a table that is not in this set: it has all its columns as its own here.")
	}
	return b.String()
}

// definition is the column as CREATE TABLE lists it; seq is its identity
// sequence, if it has one.
func (c column) definition(seq *sequence) string {
	d := quoteIdent(c.name) + " " + c.typ
	if c.collation != "" {
		d += " COLLATE " + c.collation
	}
	switch {
	case c.identity != "" && seq != nil:
		kind := "ALWAYS"
		if c.identity == "d" {
			kind = "BY DEFAULT"
		}
		d += " GENERATED " + kind + " AS IDENTITY (SEQUENCE NAME " + seq.qname + seq.options() + ")"
	case c.generated == "s":
		d += " GENERATED ALWAYS AS (" + c.def + ") STORED"
	case c.def != "":
		d += " DEFAULT " + c.def
	}
	if c.notNull {
		d += " NOT NULL"
	}
	return d
}

// sequence is a sequence a table of the set uses: one a default calls,
// one a column owns, or an identity column's.
type sequence struct {
	oid                           uint32
	schema, qname, typ            string
	start, inc, min, max, cache   int64
	cycle                         bool
	ownedBy                       string // table.column, when that table is in the set
	identity                      string // the identity column's table.column ("" for others)
	identityTable, identityColumn string
	last                          int64
	called                        bool
}

// sequencesSQL lists the sequences the relations $1 own, call in a
// default, or have as identity.
const sequencesSQL = `
WITH used(oid) AS (
  SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
    AND d.refobjid = ANY($1) AND d.deptype IN ('a', 'i')
  UNION
  SELECT d.refobjid FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
  WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass AND ad.adrelid = ANY($1)
)
SELECT q.seqrelid, n.nspname, q.seqrelid::regclass::text, format_type(q.seqtypid, NULL),
  q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle,
  coalesce(o.refobjid, 0), coalesce(o.refobjid::regclass::text, ''), coalesce(a.attname, ''), coalesce(o.deptype = 'i', false)
FROM used JOIN pg_sequence q ON q.seqrelid = used.oid
JOIN pg_class c ON c.oid = q.seqrelid AND c.relkind = 'S' JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend o ON o.classid = 'pg_class'::regclass AND o.objid = q.seqrelid AND o.refclassid = 'pg_class'::regclass
  AND o.deptype IN ('a', 'i') AND o.refobjsubid > 0
LEFT JOIN pg_attribute a ON a.attrelid = o.refobjid AND a.attnum = o.refobjsubid
ORDER BY q.seqrelid::regclass::text COLLATE "C"`

func (s *Snapshot) readSequences(ctx context.Context, sc *schema) error {
	rows, err := s.conn.Query(ctx, sequencesSQL, sc.oids())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		q := &sequence{}
		var owner uint32
		var ownerTable, ownerColumn string
		var identity bool
		if err := rows.Scan(&q.oid, &q.schema, &q.qname, &q.typ, &q.start, &q.inc, &q.min, &q.max, &q.cache, &q.cycle,
			&owner, &ownerTable, &ownerColumn, &identity); err != nil {
			return err
		}
		_, inSet := sc.byOID[owner]
		switch {
		case identity:
			q.identity = ownerTable + "." + quoteIdent(ownerColumn)
			q.identityTable, q.identityColumn = ownerTable, ownerColumn
		case inSet && ownerColumn != "":
			q.ownedBy = ownerTable + "." + quoteIdent(ownerColumn)
		}
		sc.sequences = append(sc.sequences, q)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// Sequences are not transactional: this is their value now, at least
	// the one of the snapshot, so no row of the set gets a used number.
	for _, q := range sc.sequences {
		if err := s.conn.QueryRow(ctx, "SELECT last_value, is_called FROM "+q.qname).Scan(&q.last, &q.called); err != nil {
			return fmt.Errorf("%s: %w", q.qname, err)
		}
	}
	return nil
}

// options are the sequence's parameters as CREATE SEQUENCE and an
// identity column's options take them.
func (q *sequence) options() string {
	cycle := " NO CYCLE"
	if q.cycle {
		cycle = " CYCLE"
	}
	return fmt.Sprintf(" START WITH %d INCREMENT BY %d MINVALUE %d MAXVALUE %d CACHE %d%s",
		q.start, q.inc, q.min, q.max, q.cache, cycle)
}
