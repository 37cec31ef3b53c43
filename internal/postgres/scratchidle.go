package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// IdleScratches lists the databases on connString's server whose names
// begin with prefix, that the role may drop, and that nobody is connected
// to: what restore tests left when they were killed half way (a live one
// holds a session in its database, see CreateScratch). Each is returned
// as a Scratch, for Drop.
func IdleScratches(ctx context.Context, connString, prefix string) ([]*Scratch, error) {
	conn, db, err := connectAdmin(ctx, connString)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, `SELECT d.datname FROM pg_database d
		WHERE left(d.datname, length($1)) = $1 AND pg_has_role(current_user, d.datdba, 'MEMBER')
		AND NOT EXISTS (SELECT FROM pg_stat_activity a WHERE a.datid = d.oid)
		ORDER BY d.datname`, prefix)
	if err != nil {
		return nil, fmt.Errorf("list the restore tests' databases on %s: %w", db.Target(), err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list the restore tests' databases on %s: %w", db.Target(), err)
	}
	out := make([]*Scratch, len(names))
	for i, name := range names {
		url, err := OtherDatabase(connString, name)
		if err != nil {
			return nil, err
		}
		out[i] = &Scratch{Name: name, URL: url, admin: connString}
	}
	return out, nil
}
