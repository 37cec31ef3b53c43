package postgres

import (
	"context"
	"fmt"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Target is a database a set is restored into. Unlike DB, it is written
// to, by pg_restore; Target itself only reads.
type Target struct {
	conn *pgx.Conn
}

// ConnectTarget connects to the database connString names.
func ConnectTarget(ctx context.Context, connString string) (*Target, error) {
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return nil, fmt.Errorf("parse connection string: %s", parseProblem(err, connString))
	}
	cfg.RuntimeParams["search_path"] = "" // names printed as regclass etc. come schema-qualified
	cfg.AfterNetConnect = func(_ context.Context, _ *pgconn.Config, conn net.Conn) (net.Conn, error) {
		return &spillConn{Conn: conn}, nil // Fingerprint reads huge values as a Snapshot does
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s@%s:%d/%s: %w", cfg.User, cfg.Host, cfg.Port, cfg.Database, err)
	}
	return &Target{conn: conn}, nil
}

// Close ends the connection.
func (t *Target) Close(ctx context.Context) error { return t.conn.Close(ctx) }

// userObjectsSQL names every object a user made in the database: anything
// made after initdb (OID 16384 and up) except what belongs to an extension
// (a dump recreates extensions with IF NOT EXISTS) and other sessions'
// temporary objects. Objects that go with a table (indexes, TOAST tables,
// row types, array types) are left out: the table is named.
const userObjectsSQL = `
WITH objects(what, cls, oid) AS (
  SELECT 'schema ' || quote_ident(nspname), 'pg_namespace'::regclass, oid FROM pg_namespace
    WHERE nspname !~ '^pg_(toast_)?temp_'
  UNION ALL
  SELECT CASE c.relkind WHEN 'v' THEN 'view ' WHEN 'm' THEN 'materialized view ' WHEN 'S' THEN 'sequence '
      WHEN 'f' THEN 'foreign table ' WHEN 'c' THEN 'type ' ELSE 'table ' END || c.oid::regclass::text,
    'pg_class'::regclass, c.oid FROM pg_class c
    WHERE c.relkind NOT IN ('i', 'I', 't') AND c.relpersistence <> 't'
  UNION ALL
  SELECT 'function ' || p.oid::regprocedure::text, 'pg_proc'::regclass, p.oid FROM pg_proc p
  UNION ALL
  SELECT 'type ' || t.oid::regtype::text, 'pg_type'::regclass, t.oid FROM pg_type t
    WHERE t.typrelid = 0 AND t.typtype <> 'm' AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
  UNION ALL
  SELECT 'operator ' || o.oid::regoperator::text, 'pg_operator'::regclass, o.oid FROM pg_operator o
  UNION ALL
  SELECT 'collation ' || c.oid::regcollation::text, 'pg_collation'::regclass, c.oid FROM pg_collation c
  UNION ALL
  SELECT 'text search configuration ' || c.oid::regconfig::text, 'pg_ts_config'::regclass, c.oid FROM pg_ts_config c
  UNION ALL
  SELECT 'text search dictionary ' || d.oid::regdictionary::text, 'pg_ts_dict'::regclass, d.oid FROM pg_ts_dict d
  UNION ALL
  SELECT 'language ' || quote_ident(lanname), 'pg_language'::regclass, oid FROM pg_language
  UNION ALL
  SELECT 'cast ' || format('(%s AS %s)', castsource::regtype, casttarget::regtype), 'pg_cast'::regclass, oid FROM pg_cast
  UNION ALL
  SELECT 'event trigger ' || quote_ident(evtname), 'pg_event_trigger'::regclass, oid FROM pg_event_trigger
  UNION ALL
  SELECT 'foreign data wrapper ' || quote_ident(fdwname), 'pg_foreign_data_wrapper'::regclass, oid FROM pg_foreign_data_wrapper
  UNION ALL
  SELECT 'server ' || quote_ident(srvname), 'pg_foreign_server'::regclass, oid FROM pg_foreign_server
  UNION ALL
  SELECT 'publication ' || quote_ident(pubname), 'pg_publication'::regclass, oid FROM pg_publication
  UNION ALL
  SELECT 'large object ' || oid, 'pg_largeobject_metadata'::regclass, oid FROM pg_largeobject_metadata
)
SELECT what FROM objects o
WHERE o.oid >= 16384
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.cls AND d.objid = o.oid AND d.deptype = 'e')
ORDER BY what COLLATE "C"`

// UserObjects names the objects a user made in the target (see
// userObjectsSQL), sorted.
func (t *Target) UserObjects(ctx context.Context) ([]string, error) {
	rows, err := t.conn.Query(ctx, userObjectsSQL)
	if err != nil {
		return nil, fmt.Errorf("list the objects of the target: %w", err)
	}
	objects, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list the objects of the target: %w", err)
	}
	return objects, nil
}

// Counts returns the number of tables in the target (a partitioned table
// once, its partitions not) and of the rows they hold.
func (t *Target) Counts(ctx context.Context) (tables int, rows int64, err error) {
	list, err := t.conn.Query(ctx, `SELECT c.oid::regclass::text, c.relkind = 'r'
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'`)
	if err != nil {
		return 0, 0, fmt.Errorf("count the restored tables: %w", err)
	}
	var leaves []string
	for list.Next() {
		var name string
		var leaf bool
		if err := list.Scan(&name, &leaf); err != nil {
			return 0, 0, fmt.Errorf("count the restored tables: %w", err)
		}
		tables++
		if leaf { // a partitioned table's rows are in its partitions
			leaves = append(leaves, name)
		}
	}
	if err := list.Err(); err != nil {
		return 0, 0, fmt.Errorf("count the restored tables: %w", err)
	}
	var partitions int
	if err := t.conn.QueryRow(ctx, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relispartition AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'`).Scan(&partitions); err != nil {
		return 0, 0, fmt.Errorf("count the restored tables: %w", err)
	}
	for _, name := range leaves {
		var n int64
		if err := t.conn.QueryRow(ctx, "SELECT count(*) FROM ONLY "+name).Scan(&n); err != nil {
			return 0, 0, fmt.Errorf("count the rows of %s: %w", name, err)
		}
		rows += n
	}
	return tables - partitions, rows, nil
}
