package sheets

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtext"
	"github.com/jackc/pgx/v5"
)

// source is the rows of one sync, read in one REPEATABLE READ, READ ONLY
// transaction: the count that sizes the sheet and the rows written agree,
// and nothing the query does can change the database. Rows come through a
// cursor, fetchSize at a time, so memory stays flat whatever the table's
// size, and the statement timeout bounds each fetch — the database's work —
// not the time spent writing to Google in between.
type source struct {
	conn *pgx.Conn
	tx   pgx.Tx
	base string // the query that reads the source
	cols []dbbackup.Column
	key  int // index of the key column, or -1
	// keyType is the key's type without a modifier ("character varying",
	// not "character varying(40)", which would cut a value cast to it).
	keyType string
	types   []string // each column's, so
	// Total is the rows the cursor returns, counted in the same snapshot.
	total int64
	what  string // the source, for messages
}

// fetchSize is how many rows one FETCH brings.
const fetchSize = 1000

// idleLimit bounds the wait between two fetches (one write to Google with
// its retries), which idle_in_transaction_session_timeout would otherwise
// cut if the server sets it low.
const idleLimit = 15 * time.Minute

// openSource connects, begins the transaction and learns the source's
// columns, without reading a row yet.
func openSource(ctx context.Context, job Job, timeout time.Duration) (*source, error) {
	cfg, err := pgx.ParseConfig(job.Database)
	if err != nil {
		return nil, fmt.Errorf("database connection string: %s", parseProblem(err))
	}
	for k, v := range pgtext.SessionSettings() {
		cfg.RuntimeParams[k] = v
	}
	if _, set := cfg.RuntimeParams["application_name"]; !set {
		cfg.RuntimeParams["application_name"] = "dbbackup sheets"
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to the database %s@%s/%s: %w", cfg.User, cfg.Host, cfg.Database, err)
	}
	s := &source{conn: conn, key: -1, what: job.source()}
	if err := s.begin(ctx, job, timeout); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *source) begin(ctx context.Context, job Job, timeout time.Duration) error {
	var err error
	s.tx, err = s.conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("begin a read-only transaction: %w", err)
	}
	_, err = s.tx.Exec(ctx, "SELECT set_config('statement_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $2, true)",
		strconv.FormatInt(timeout.Milliseconds(), 10), strconv.FormatInt(idleLimit.Milliseconds(), 10))
	if err != nil {
		return fmt.Errorf("set the statement timeout: %w", err)
	}
	if job.Table != "" {
		if s.base, err = tableSQL(ctx, s.tx, job.Table); err != nil {
			return err
		}
	} else {
		if s.base, err = oneStatement(job.Query); err != nil {
			return err
		}
		if err := s.refuseWrites(ctx); err != nil {
			return err
		}
	}
	if err := s.describe(ctx); err != nil {
		return err
	}
	if job.Key != "" {
		return s.findKey(job.Key)
	}
	return nil
}

// describe learns the columns from the result's field descriptions:
// PostgreSQL sends a domain's base type there, and the catalog tells
// arrays and the spelling of each type.
func (s *source) describe(ctx context.Context) error {
	sd, err := s.tx.Prepare(ctx, "", wrap(s.base, "SELECT * FROM src"))
	if err != nil {
		return s.explain("read the columns of", err)
	}
	oids := make([]uint32, len(sd.Fields))
	mods := make([]int32, len(sd.Fields))
	for i, f := range sd.Fields {
		oids[i], mods[i] = f.DataTypeOID, f.TypeModifier
	}
	rows, err := s.tx.Query(ctx, `SELECT format_type(t.o, t.m), format_type(t.o, NULL), coalesce(p.typcategory, '') = 'A'
		FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS t(o, m, n) LEFT JOIN pg_type p ON p.oid = t.o ORDER BY t.n`, oids, mods)
	if err != nil {
		return fmt.Errorf("read the column types of %s: %w", s.what, err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		c := dbbackup.Column{Name: sd.Fields[i].Name}
		var array bool
		var bare string
		if err := rows.Scan(&c.Type, &bare, &array); err != nil {
			return fmt.Errorf("read the column types of %s: %w", s.what, err)
		}
		if k, ok := pgtext.BuiltinKind(oids[i]); ok {
			c.Kind = k
		} else if array {
			c.Kind = dbbackup.KindArray
		}
		s.cols = append(s.cols, c)
		s.types = append(s.types, bare)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the column types of %s: %w", s.what, err)
	}
	if len(s.cols) == 0 {
		return fmt.Errorf("%s has no columns: there is nothing to put in a sheet", s.what)
	}
	return nil
}

func (s *source) findKey(key string) error {
	var names []string
	for i, c := range s.cols {
		names = append(names, c.Name)
		if c.Name != key {
			continue
		}
		if s.key >= 0 {
			return fmt.Errorf("key column %q: %s has two columns of that name; rename one (AS) in the query", key, s.what)
		}
		s.key = i
	}
	if s.key >= 0 {
		s.keyType = s.types[s.key]
		return nil
	}
	err := fmt.Errorf("key column %q is not a column of %s (its columns: %q)", key, s.what, names)
	if near := dbbackup.Nearest(key, names, 3); near != "" {
		return &dbbackup.HintError{Err: err, Hint: "did you mean " + near + "?"}
	}
	return err
}

// start counts the rows to read and opens the cursor on them: with a key,
// the rows whose key is greater than lastKey (all, when after is false) in
// key order; without, every row of the source.
func (s *source) start(ctx context.Context, lastKey string, after bool) error {
	sql, args := s.base, []any(nil)
	count := wrap(s.base, "SELECT count(*) FROM src")
	if s.key >= 0 {
		where, order := keyFilter(s.cols[s.key].Name, s.keyType, after)
		sql = wrap(s.base, "SELECT * FROM src"+where+order)
		count = wrap(s.base, "SELECT count(*) FROM src"+where)
		if after {
			args = []any{lastKey}
		}
	}
	if err := s.tx.QueryRow(ctx, count, args...).Scan(&s.total); err != nil {
		return s.explain("count the rows of", err)
	}
	if _, err := s.tx.Exec(ctx, "DECLARE sync_rows NO SCROLL CURSOR FOR "+sql, args...); err != nil {
		return s.explain("read", err)
	}
	return nil
}

// fetch reads the next rows, up to fetchSize, handing each to fn (whose
// values are only valid during the call), and returns how many came: 0 at
// the end.
func (s *source) fetch(ctx context.Context, fn func(values [][]byte)) (int, error) {
	rows, err := s.tx.Query(ctx, "FETCH FORWARD "+strconv.Itoa(fetchSize)+" FROM sync_rows", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return 0, s.explain("read", err)
	}
	n := 0
	for rows.Next() {
		fn(rows.RawValues())
		n++
	}
	if err := rows.Err(); err != nil {
		return n, s.explain("read", err)
	}
	return n, nil
}

func (s *source) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if s.tx != nil {
		_ = s.tx.Rollback(ctx)
	}
	_ = s.conn.Close(ctx)
}
