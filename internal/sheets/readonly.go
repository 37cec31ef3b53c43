package sheets

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/jackc/pgx/v5/pgconn"
)

// refuseWrites gets PostgreSQL's own refusal of a query that writes
// before it is wrapped, where PostgreSQL would refuse it for another
// reason (a writing WITH must be at the top level): if the query's plan
// changes a table, the query is run as it is, which the read-only
// transaction refuses before anything is done. A query that writes
// through a function is refused when it runs (see explain).
func (s *source) refuseWrites(ctx context.Context) error {
	var plan string
	if err := s.tx.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+s.base).Scan(&plan); err != nil {
		return s.explain("plan", err)
	}
	if !strings.Contains(plan, `"Node Type": "ModifyTable"`) {
		return nil
	}
	_, err := s.tx.Exec(ctx, s.base)
	if err == nil {
		err = errors.New("the query's plan changes a table")
	}
	return s.explain("run", err)
}

// explain says what PostgreSQL's refusal means for a sync: a query that
// writes, or one that ran past the timeout.
func (s *source) explain(what string, err error) error {
	wrapped := fmt.Errorf("%s %s: %w", what, s.what, err)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return wrapped
	}
	switch pe.Code {
	case "25006": // read_only_sql_transaction
		return &dbbackup.HintError{Err: fmt.Errorf("the query writes to the database, and a sync only reads: PostgreSQL refused it in the sync's read-only transaction (%s)", pe.Message),
			Hint: "sync a SELECT; the database is never changed by a sync"}
	case "57014": // query_canceled: by the statement timeout, or by ctx
		if !strings.Contains(pe.Message, "statement timeout") {
			return wrapped
		}
		return &dbbackup.HintError{Err: wrapped, Hint: "the query ran longer than the sync's statement timeout: make it cheaper (an index, fewer rows) or raise the timeout"}
	}
	return wrapped
}

// parseProblem keeps only the kind of problem of a connection string
// parse error, whose message may quote the password.
func parseProblem(err error) string {
	if _, after, ok := strings.Cut(err.Error(), "`: "); ok {
		return after
	}
	return "it cannot be parsed"
}
