package postgres

import (
	"context"
	"strings"
)

// userType is an enum, domain, composite or range type the tables use,
// with the statement that makes it.
type userType struct {
	oid    uint32
	schema string
	ddl    string
	deps   []uint32 // the types it is made of
}

// usedTypesSQL finds every type the relations $1 use, and the types
// those are made of (array elements, a domain's base type, a composite's
// attributes, a range's subtype, a multirange's range). %s is the
// multirange step, on PostgreSQL 14 and later.
const usedTypesSQL = `
WITH RECURSIVE used(oid) AS (
  SELECT atttypid FROM pg_attribute WHERE attrelid = ANY($1) AND attnum > 0 AND NOT attisdropped
  UNION
  SELECT x.dep FROM used u JOIN pg_type t ON t.oid = u.oid CROSS JOIN LATERAL (
    SELECT t.typelem WHERE t.typcategory = 'A'
    UNION ALL SELECT t.typbasetype WHERE t.typtype = 'd'
    UNION ALL SELECT a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'c'
      WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL SELECT r.rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid
    %s
  ) x(dep) WHERE x.dep <> 0
)
SELECT used.oid FROM used`

const multirangeStep = `UNION ALL SELECT r.rngtypid FROM pg_range r WHERE r.rngmultitypid = t.oid`

// typesSQL makes the statement of each user type among $1 that no
// extension owns, with the types it is made of. Arrays come with their
// element type, multiranges with their range, table row types with their
// table: none is listed. %s is the multirange name, on PostgreSQL 14 and later.
const userTypesSQL = `
SELECT t.oid, n.nspname, CASE t.typtype
  WHEN 'e' THEN 'CREATE TYPE ' || format_type(t.oid, NULL) || ' AS ENUM (' ||
    coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '') || ');'
  WHEN 'd' THEN 'CREATE DOMAIN ' || format_type(t.oid, NULL) || ' AS ' || format_type(t.typbasetype, t.typtypmod) ||
    CASE WHEN t.typcollation <> b.typcollation THEN ' COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname) ELSE '' END ||
    coalesce(' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0), '') ||
    CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END ||
    coalesce((SELECT string_agg(' CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), '' ORDER BY k.conname COLLATE "C")
      FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c'), '') || ';'
  WHEN 'c' THEN 'CREATE TYPE ' || format_type(t.oid, NULL) || ' AS (' ||
    coalesce((SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) ||
        CASE WHEN a.attcollation <> at.typcollation THEN ' COLLATE ' || (SELECT quote_ident(cn2.nspname) || '.' || quote_ident(c2.collname) FROM pg_collation c2 JOIN pg_namespace cn2 ON cn2.oid = c2.collnamespace WHERE c2.oid = a.attcollation) ELSE '' END, ', ' ORDER BY a.attnum)
      FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ');'
  WHEN 'r' THEN 'CREATE TYPE ' || format_type(t.oid, NULL) || ' AS RANGE (SUBTYPE = ' || format_type(r.rngsubtype, NULL) ||
    CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN ', COLLATION = ' || (SELECT quote_ident(cn2.nspname) || '.' || quote_ident(c2.collname) FROM pg_collation c2 JOIN pg_namespace cn2 ON cn2.oid = c2.collnamespace WHERE c2.oid = r.rngcollation) ELSE '' END ||
    CASE WHEN NOT opc.opcdefault THEN ', SUBTYPE_OPCLASS = ' || quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) ELSE '' END ||
    CASE WHEN r.rngsubdiff <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::regproc::text ELSE '' END %s || ');'
  END,
  ARRAY(SELECT x.dep FROM (
    SELECT CASE WHEN e.typcategory = 'A' THEN e.typelem ELSE e.oid END FROM pg_type e
      WHERE e.oid = t.typbasetype OR e.oid IN (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = t.typrelid AND t.typtype = 'c' AND a.attnum > 0)
    UNION SELECT r.rngsubtype
  ) x(dep) WHERE x.dep IS NOT NULL AND x.dep <> 0)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_type b ON b.oid = t.typbasetype
LEFT JOIN pg_collation co ON co.oid = t.typcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_range r ON r.rngtypid = t.oid LEFT JOIN pg_type st ON st.oid = r.rngsubtype
LEFT JOIN pg_opclass opc ON opc.oid = r.rngsubopc LEFT JOIN pg_namespace opn ON opn.oid = opc.opcnamespace
WHERE t.oid = ANY($1) AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
  AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
  AND NOT EXISTS (SELECT 1 FROM pg_depend m WHERE m.classid = 'pg_type'::regclass AND m.objid = t.oid AND m.deptype = 'e')
ORDER BY format_type(t.oid, NULL) COLLATE "C"`

func (s *Snapshot) readTypes(ctx context.Context, sc *schema) error {
	step, name := "", ""
	if s.info.ServerMajor >= 14 {
		step, name = multirangeStep, ` || ', MULTIRANGE_TYPE_NAME = ' || format_type(r.rngmultitypid, NULL)`
	}
	var used []uint32
	rows, err := s.conn.Query(ctx, strings.Replace(usedTypesSQL, "%s", step, 1), sc.oids())
	if err != nil {
		return err
	}
	for rows.Next() {
		var oid uint32
		if err := rows.Scan(&oid); err != nil {
			rows.Close()
			return err
		}
		used = append(used, oid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.conn.Query(ctx, strings.Replace(userTypesSQL, "%s", name, 1), used)
	if err != nil {
		return err
	}
	defer rows.Close()
	var all []userType
	for rows.Next() {
		var t userType
		if err := rows.Scan(&t.oid, &t.schema, &t.ddl, &t.deps); err != nil {
			return err
		}
		all = append(all, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// The types a type is made of come first.
	index := map[uint32]int{}
	for i, t := range all {
		index[t.oid] = i
	}
	done := map[uint32]bool{}
	var visit func(t userType)
	visit = func(t userType) {
		if done[t.oid] {
			return
		}
		done[t.oid] = true
		for _, d := range t.deps {
			if i, ok := index[d]; ok {
				visit(all[i])
			}
		}
		sc.types = append(sc.types, t)
	}
	for _, t := range all {
		visit(t)
	}
	return nil
}

// extensionsSQL names the extensions that own something the set uses: a
// column's type, a function a default, check or index calls, an index's
// operator class, a type the types of the set are made of.
const extensionsSQL = `
WITH objs(cls, oid) AS (
  SELECT 'pg_class'::regclass, oid FROM unnest($1::oid[]) AS r(oid)
  UNION ALL SELECT 'pg_class'::regclass, indexrelid FROM pg_index WHERE indrelid = ANY($1)
  UNION ALL SELECT 'pg_attrdef'::regclass, oid FROM pg_attrdef WHERE adrelid = ANY($1)
  UNION ALL SELECT 'pg_constraint'::regclass, oid FROM pg_constraint WHERE conrelid = ANY($1) OR contypid = ANY($2)
  UNION ALL SELECT 'pg_type'::regclass, oid FROM unnest($2::oid[]) AS t(oid)
  UNION ALL SELECT 'pg_class'::regclass, typrelid FROM pg_type WHERE oid = ANY($2) AND typrelid <> 0
)
SELECT DISTINCT e.extname, n.nspname
FROM objs JOIN pg_depend d ON d.classid = objs.cls AND d.objid = objs.oid
JOIN pg_depend m ON m.classid = d.refclassid AND m.objid = d.refobjid AND m.deptype = 'e' AND m.refclassid = 'pg_extension'::regclass
JOIN pg_extension e ON e.oid = m.refobjid JOIN pg_namespace n ON n.oid = e.extnamespace
ORDER BY 1`

func (s *Snapshot) readExtensions(ctx context.Context, sc *schema) error {
	types := []uint32{}
	for _, t := range sc.types {
		types = append(types, t.oid)
	}
	rows, err := s.conn.Query(ctx, extensionsSQL, sc.oids(), types)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, schema string
		if err := rows.Scan(&name, &schema); err != nil {
			return err
		}
		sc.extensions = append(sc.extensions, "CREATE EXTENSION IF NOT EXISTS "+quoteIdent(name)+" WITH SCHEMA "+quoteIdent(schema)+" CASCADE;")
		sc.extSchemas = append(sc.extSchemas, schema)
	}
	return rows.Err()
}
