package benchtable

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/jackc/pgx/v5"
)

// AdminURL is the server the benchmarks use: BENCH_DATABASE_URL, else the
// local one as postgres.
func AdminURL() string {
	if u := os.Getenv("BENCH_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// NewDatabase makes the database name afresh on AdminURL's server and
// returns its URL and a drop that removes it. Each program has a name of
// its own, so that two benchmarks can run at once.
func NewDatabase(ctx context.Context, name string) (url string, drop func(), err error) {
	admin := AdminURL()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", nil, err
	}
	ident := pgx.Identifier{name}.Sanitize()
	conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)")
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		conn.Close(ctx)
		return "", nil, err
	}
	drop = func() {
		conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)")
		conn.Close(context.Background())
	}
	cfg := conn.Config()
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name), drop, nil
}

// Build compiles dbbackup into work and writes an empty .env beside it, so
// that no .env of the working directory reaches the runs measured.
func Build(work string) (bin, envFile string, err error) {
	envFile = filepath.Join(work, "empty.env")
	if err := os.WriteFile(envFile, nil, 0o600); err != nil {
		return "", "", err
	}
	bin = filepath.Join(work, "dbbackup")
	build := exec.Command("go", "build", "-o", bin, "./cmd/dbbackup")
	build.Stderr = os.Stderr
	return bin, envFile, build.Run()
}

// Fill makes the table bench of rows rows in the database at url.
func Fill(ctx context.Context, url string, rows int) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, Script(rows))
	return err
}

// Bench is what a program under bench/ measures with: a database of its
// own holding the table bench, and a dbbackup built in a scratch folder.
type Bench struct {
	URL, Work, Bin, EnvFile string
	drop                    func()
}

// Setup makes the database name with rows rows in bench, and builds
// dbbackup; Close removes both.
func Setup(ctx context.Context, name string, rows int) (*Bench, error) {
	url, drop, err := NewDatabase(ctx, name)
	if err != nil {
		return nil, err
	}
	b := &Bench{URL: url, drop: drop}
	if err := Fill(ctx, url, rows); err != nil {
		b.Close()
		return nil, err
	}
	if b.Work, err = os.MkdirTemp("", name+"-"); err != nil {
		b.Close()
		return nil, err
	}
	if b.Bin, b.EnvFile, err = Build(b.Work); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// Close drops the database and removes the scratch folder.
func (b *Bench) Close() {
	if b.Work != "" {
		os.RemoveAll(b.Work)
	}
	b.drop()
}
