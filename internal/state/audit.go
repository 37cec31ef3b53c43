package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AuditEntry is one thing a user did through the web UI.
type AuditEntry struct {
	ID     int64
	At     time.Time // local time zone
	User   string    // the name at the time; the user may be gone since
	Action string    // a short stable word: "run", "cancel", "user.add", …
	Detail string    // for people: which job, which user, what changed
}

// AuditQuery selects and orders audit entries. Zero fields select
// everything: User and Action match exactly, Search is a case-insensitive
// substring of user, action or detail, From and To bound At (To
// excluded). Sort is "at", "user" or "action" (newest first among
// equals), and Desc reverses it; Sort "" is newest first. Limit <= 0
// returns every entry after Offset.
type AuditQuery struct {
	User, Action, Search string
	From, To             time.Time
	Sort                 string
	Desc                 bool
	Offset, Limit        int
}

// ErrBadQuery means a list was asked for with a sort or filter it does
// not have; the web answers it with 400.
var ErrBadQuery = errors.New("bad query")

// Audit records that user did action at at. Secrets never belong in
// detail: the log is shown to every admin.
func (s *Store) Audit(ctx context.Context, at time.Time, user, action, detail string) (err error) {
	defer func() { err = s.explain(err) }()
	_, err = s.db.ExecContext(ctx, `INSERT INTO audit (at, user_name, action, detail) VALUES (?, ?, ?, ?)`,
		formatTime(at), user, action, detail)
	if err != nil {
		return fmt.Errorf("record audit entry %s: %w", action, err)
	}
	return nil
}

var auditOrder = map[string]string{
	"at":     "a.at %s, a.id %[1]s",
	"user":   "a.user_name %s, a.at DESC, a.id DESC",
	"action": "a.action %s, a.at DESC, a.id DESC",
}

// AuditLog returns the entries q selects, in its order, and how many it
// selects in all (for paging).
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) (entries []AuditEntry, total int, err error) {
	defer func() { err = s.explain(err) }()
	if q.Sort == "" {
		q.Sort, q.Desc = "at", true
	}
	order, ok := auditOrder[q.Sort]
	if !ok {
		return nil, 0, fmt.Errorf("audit log: sort by %q: %w (use at, user or action)", q.Sort, ErrBadQuery)
	}
	var w where
	w.add(q.User != "", "a.user_name = ?", q.User)
	w.add(q.Action != "", "a.action = ?", q.Action)
	w.add(!q.From.IsZero(), "a.at >= ?", formatTime(q.From))
	w.add(!q.To.IsZero(), "a.at < ?", formatTime(q.To))
	if q.Search != "" {
		like := likePattern(q.Search)
		w.add(true, `(a.user_name LIKE ? ESCAPE '\' OR a.action LIKE ? ESCAPE '\' OR a.detail LIKE ? ESCAPE '\')`, like, like, like)
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit a`+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	query := `SELECT a.id, a.at, a.user_name, a.action, a.detail FROM audit a` + w.sql() +
		` ORDER BY ` + fmt.Sprintf(order, direction(q.Desc)) + ` LIMIT ? OFFSET ?`
	err = each(ctx, tx, query, func(rows *sql.Rows) error {
		var e AuditEntry
		var at string
		err := rows.Scan(&e.ID, &at, &e.User, &e.Action, &e.Detail)
		if err == nil {
			e.At, err = parseTime(at)
		}
		entries = append(entries, e)
		return err
	}, append(w.args, limitOf(q.Limit), max(q.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("audit log: %w", err)
	}
	return entries, total, nil
}

// where builds a WHERE clause from conditions that apply.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(apply bool, cond string, args ...any) {
	if apply {
		w.conds = append(w.conds, cond)
		w.args = append(w.args, args...)
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// likePattern matches text containing s, with LIKE's wildcards in s
// taken literally (ESCAPE '\'). LIKE ignores the case of ASCII letters.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

func direction(desc bool) string {
	if desc {
		return "DESC"
	}
	return "ASC"
}

// limitOf is SQLite's LIMIT for limit: -1 is none.
func limitOf(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}
