package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// A run with the default formats stores the schema of its tables beside
// them, listed in the manifest with its checksum, and psql runs it into an
// empty database as it is.
func TestEverySetCarriesItsSchema(t *testing.T) {
	mb := newMailbox(t)
	dir := t.TempDir()
	env := mb.env(map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, ordersSQL), "BACKUP_DIR": dir, "STATE_DIR": t.TempDir()})
	res := runCLI(t, env, "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	path := only(t, dir, ".schema.sql")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(only(t, dir, ".manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	m, err := dbbackup.ReadManifest(in)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	var listed bool
	for _, f := range m.Files {
		if f.Name == filepath.Base(path) {
			listed = f.Format == dbbackup.FormatSchema && f.SHA256 == hex.EncodeToString(sum[:]) && f.Size == int64(len(data))
		}
	}
	if !listed {
		t.Errorf("the manifest does not list %s as the schema with its size and sha256: %+v", filepath.Base(path), m.Files)
	}

	target := pgtest.NewDatabase(t)
	out, err := exec.Command("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", target, "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("psql -f %s: %v\n%s", path, err, out)
	}
	var tables, keys int
	conn := connect(t, target)
	err = conn.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public'),
		(SELECT count(*) FROM pg_constraint WHERE contype IN ('p', 'f') AND connamespace = 'public'::regnamespace)`).Scan(&tables, &keys)
	if err != nil || tables != 2 || keys != 2 {
		t.Errorf("after psql -f the database has %d tables and %d keys (%v), want 2 and 2 (orders' key, order_lines' foreign key)", tables, keys, err)
	}
}
