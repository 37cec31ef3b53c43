package dbbackup_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// fakeSchema writes text as the schema of the tables it is given, then
// fails with err when set.
type fakeSchema struct {
	text   string
	err    error
	tables []dbbackup.Table // what WriteSchema was given
}

type schemaSnapshot struct {
	*fakeSnapshot
	schema *fakeSchema
}

var _ dbbackup.SchemaWriter = schemaSnapshot{}

func (s schemaSnapshot) WriteSchema(_ context.Context, tables []dbbackup.Table, w io.Writer) error {
	s.schema.tables = tables
	if _, err := io.WriteString(w, s.schema.text); err != nil {
		return err
	}
	return s.schema.err
}

// A snapshot that can write its schema gives every set a schema file,
// written first, of the tables the scope chose, stored and listed in the
// manifest with its checksum.
func TestRunStoresTheSchemaFirst(t *testing.T) {
	schema := &fakeSchema{text: "-- dbbackup:pre-data\nCREATE TABLE public.a ();\n-- dbbackup:post-data\n"}
	r, dest := newRunner(t)
	r.DB = fakeDB{schema: schema}
	r.Scope = dbbackup.Scope{Tables: []string{"public.b"}}
	var seen []dbbackup.Format
	rep, err := r.Run(context.Background(), func(p dbbackup.Progress) {
		if p.Stage == dbbackup.StageExport && p.Format != "" && p.Table.Name == "" {
			seen = append(seen, p.Format)
		}
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	assertFileNames(t, rep, "backup_20260210_020000.schema.sql backup_20260210_020000.csv backup_20260210_020000.json backup_20260210_020000.manifest.json")
	if len(schema.tables) != 1 || schema.tables[0].Name != "b" {
		t.Errorf("WriteSchema was given %v, want the table the scope chose", schema.tables)
	}
	if len(seen) == 0 || seen[0] != dbbackup.FormatSchema {
		t.Errorf("the observer heard the exports begin in the order %v, want the schema first", seen)
	}
	m := readManifest(t, dest, rep.SetID)
	f := m.Files[0]
	b, err := os.ReadFile(filepath.Join(dest.Path(), f.Name))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if f.Format != dbbackup.FormatSchema || !strings.HasPrefix(string(b), "-- backup_20260210_020000.schema.sql: the schema of backup set backup_20260210_020000") ||
		!strings.HasSuffix(string(b), "\n"+schema.text) || f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(b)) {
		t.Errorf("manifest lists %+v; the stored file holds %q", f, b)
	}
	assertStagingEmpty(t, r)
}

// A schema that cannot be written fails the run like a data file that
// cannot: nothing of the set is left.
func TestFailedSchemaLeavesNothing(t *testing.T) {
	diskFull := &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}
	r, dest := newRunner(t)
	r.DB = fakeDB{schema: &fakeSchema{text: "-- dbbackup:pre-data\n", err: diskFull}}
	_, err := r.Run(context.Background(), nil)
	var se *dbbackup.StageError
	if !errors.As(err, &se) || se.Stage != dbbackup.StageExport || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), ".schema.sql") {
		t.Fatalf("got %v, want an export failure naming the schema file", err)
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
}
