package postgres

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrCannotCreate is why CreateScratch failed when the role may not
// create databases.
var ErrCannotCreate = errors.New("the role may not create databases")

// Scratch is a database made for one restore test and dropped after it.
type Scratch struct {
	Name string
	// URL reaches it with the settings (and password) of the connection
	// string it was made from.
	URL   string
	admin string
	// keep is a session held in the database while the test lasts: it
	// tells IdleScratches that the test is alive, even while it fetches
	// files and nothing else is connected.
	keep *pgx.Conn
}

// CreateScratch makes an empty database called name on the server
// connString reaches, with the encoding and locale of the database it
// names (from template0, so nothing a user added to template1 comes
// along). It returns an error wrapping ErrCannotCreate when the role has
// neither CREATEDB nor superuser.
func CreateScratch(ctx context.Context, connString, name string) (*Scratch, error) {
	url, err := OtherDatabase(connString, name)
	if err != nil {
		return nil, err
	}
	conn, db, err := connectAdmin(ctx, connString)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var may bool
	var encoding, collate, ctype string
	err = conn.QueryRow(ctx, `SELECT r.rolcreatedb OR r.rolsuper, pg_encoding_to_char(d.encoding), d.datcollate, d.datctype
		FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`).Scan(&may, &encoding, &collate, &ctype)
	if err != nil {
		return nil, fmt.Errorf("read the role's privileges: %w", err)
	}
	if !may {
		return nil, fmt.Errorf("cannot make the database %s for the restore test on %s: %w", name, db.Target(), ErrCannotCreate)
	}
	sql := fmt.Sprintf("CREATE DATABASE %s TEMPLATE template0 ENCODING %s LC_COLLATE %s LC_CTYPE %s",
		pgx.Identifier{name}.Sanitize(), quoteLiteral(encoding), quoteLiteral(collate), quoteLiteral(ctype))
	if _, err := conn.Exec(ctx, sql); err != nil {
		return nil, fmt.Errorf("make the database %s for the restore test: %w", name, err)
	}
	s := &Scratch{Name: name, URL: url, admin: connString}
	if s.keep, err = pgx.Connect(ctx, url); err != nil {
		err = fmt.Errorf("connect to the restore test's database %s: %w", name, err)
		return nil, errors.Join(err, s.Drop(ctx))
	}
	return s, nil
}

// Drop removes the database, ending any session still in it. It works on
// when ctx is cancelled (a restore test stopped half way must not leave a
// copy of the data behind), for a minute at most.
func (s *Scratch) Drop(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if s.keep != nil {
		s.keep.Close(ctx)
	}
	conn, _, err := connectAdmin(ctx, s.admin)
	if err != nil {
		return fmt.Errorf("drop the restore test's database %s: %w", s.Name, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{s.Name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop the restore test's database %s: %w; drop it by hand (dropdb %s)", s.Name, err, s.Name)
	}
	return nil
}

// connectAdmin connects to the database connString names, from which a
// restore test's database is made, listed and dropped.
func connectAdmin(ctx context.Context, connString string) (*pgx.Conn, *DB, error) {
	db, err := New(connString, 0)
	if err != nil {
		return nil, nil, err
	}
	conn, err := pgx.ConnectConfig(ctx, db.config)
	if err != nil {
		return nil, nil, connectError(db.Target(), err)
	}
	return conn, db, nil
}

// OtherDatabase is connString (a URL or key=value string) reaching the
// database name instead, with every other setting kept, as a key=value
// string.
func OtherDatabase(connString, name string) (string, error) {
	settings, err := parseConnString(connString)
	if err != nil {
		return "", err
	}
	if settings == nil {
		settings = map[string]string{}
	}
	delete(settings, "ssl") // read into sslmode: not a keyword
	settings["database"] = name
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		key := k
		if k == "database" {
			key = "dbname"
		}
		b.WriteString(key + "='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(settings[k]) + "'")
	}
	return b.String(), nil
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
