package app

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/export/json"
	"github.com/dbbackup/dbbackup/internal/pgtext"
	"github.com/dbbackup/dbbackup/internal/postgres"
)

// load restores a set from csv or json (pick.files: the data file, then
// the schema; paths: where they were fetched): in one transaction, the
// schema's pre-data, every table's rows with COPY, then its post-data.
func load(ctx context.Context, target *RestoreTarget, pick restorable, paths []string, chosen map[string]bool, opts RestoreOptions, done *Restored) error {
	m := pick.set.Manifest
	schemaFile := pick.files[1]
	text, err := os.ReadFile(paths[1])
	if err != nil {
		return err
	}
	pre, post, err := dbbackup.SplitSchema(string(text))
	if err != nil {
		return fmt.Errorf("%s: %w", schemaFile.Name, err)
	}
	t, err := postgres.ConnectTarget(ctx, target.URL)
	if err != nil {
		return err
	}
	defer t.Close(ctx)
	l, err := t.Begin(ctx)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			l.Rollback(ctx)
		}
	}()
	if err := l.Exec(ctx, "the pre-data of "+schemaFile.Name, pre); err != nil {
		return err
	}
	made, err := l.Tables(ctx)
	if err != nil {
		return err
	}
	tables := map[string]dbbackup.Table{}
	for _, tb := range made {
		tables[tb.String()] = tb
	}
	counts := map[string]int64{}
	for _, tc := range m.Tables {
		counts[dbbackup.Table{Schema: tc.Schema, Name: tc.Name}.String()] = tc.Rows
	}
	loaded := map[string]bool{}
	// loadTable copies one table's rows, checks their count against the
	// manifest's, and reports its progress.
	loadTable := func(schema, name string, r io.Reader, header bool) error {
		key := dbbackup.Table{Schema: schema, Name: name}.String()
		tb, ok := tables[key]
		switch {
		case !ok:
			return fmt.Errorf("%s holds rows of %s, which %s does not create: the set is not consistent", pick.files[0].Name, key, schemaFile.Name)
		case loaded[key]:
			return fmt.Errorf("%s holds the rows of %s twice: the set is not consistent", pick.files[0].Name, key)
		}
		loaded[key] = true
		if !chosen[key] {
			_, err := io.Copy(io.Discard, r) // a json document is read in order
			return err
		}
		tick := dbbackup.TableProgress(opts.Progress, dbbackup.StageRestore, pick.format, tb, time.Now)
		n, err := l.Copy(ctx, tb, &countingReader{r: r, tick: tick}, header)
		if err != nil {
			return err
		}
		if want, ok := counts[key]; ok && want >= 0 && n != want {
			return fmt.Errorf("%s: %d rows loaded from %s, the manifest says %d: the set is not consistent", key, n, pick.files[0].Name, want)
		}
		tick(n, 0, true)
		done.Tables++
		done.Rows += n
		return nil
	}
	switch pick.format {
	case dbbackup.FormatCSV:
		err = eachCSV(pick.files[0], m, paths[0], loadTable)
	case dbbackup.FormatJSON:
		err = eachJSON(pick.files[0], paths[0], tables, loadTable)
	default:
		err = fmt.Errorf("restore from %s is not supported", pick.format)
	}
	if err != nil {
		return err
	}
	for key := range chosen {
		if !loaded[key] {
			return fmt.Errorf("%s holds no rows of %s, which the manifest lists: the set is not consistent", pick.files[0].Name, key)
		}
	}
	if len(opts.Tables) == 0 {
		if err := l.Exec(ctx, "the post-data of "+schemaFile.Name, post); err != nil {
			return err
		}
	} else if err := dropOthers(ctx, l, made, chosen, schemaFile.Name, post, done); err != nil {
		return err
	}
	if err := l.Commit(ctx); err != nil {
		return err
	}
	committed = true
	return nil
}

// dropOthers drops the tables --tables left out (the schema made every
// table of the set), then runs the post-data, skipping what refers to a
// table no longer there; a foreign key skipped is a warning.
func dropOthers(ctx context.Context, l *postgres.Load, made []dbbackup.Table, chosen map[string]bool, file, post string, done *Restored) error {
	var drop []dbbackup.Table
	for _, tb := range made {
		if !chosen[tb.String()] {
			drop = append(drop, tb)
		}
	}
	if err := l.Drop(ctx, drop); err != nil {
		return err
	}
	return l.ExecEach(ctx, "the post-data of "+file, pgtext.Statements(post), []string{undefinedTable}, func(stmt string, err error) {
		if w := skippedForeignKey(stmt, err); w != "" {
			done.Warnings = append(done.Warnings, w)
		}
	})
}

// skippedForeignKey is the warning for a statement of the post-data
// skipped because a table it names was left out, when it is the foreign
// key of a table restored; "" for anything else (the keys, indexes and
// sequences of the tables left out go with them). The server names the
// first table it does not find: the one altered, unless that one is
// there.
func skippedForeignKey(stmt string, err error) string {
	stmt = withoutComments(stmt)
	head, _, isFK := strings.Cut(stmt, "FOREIGN KEY")
	_, missing, _ := strings.Cut(err.Error(), `relation "`)
	missing, _, _ = strings.Cut(missing, `" does not exist`)
	if !isFK || missing == "" || strings.Contains(strings.ReplaceAll(head, `"`, ""), missing) {
		return ""
	}
	return fmt.Sprintf("foreign key skipped, as it refers to %s, which --tables left out: %s", missing, oneLine(stmt))
}

// withoutComments is a statement without the comment lines before it.
func withoutComments(stmt string) string {
	for strings.HasPrefix(stmt, "--") {
		_, stmt, _ = strings.Cut(stmt, "\n")
		stmt = strings.TrimSpace(stmt)
	}
	return stmt
}

// undefinedTable is PostgreSQL's SQLSTATE for a relation that does not
// exist.
const undefinedTable = "42P01"

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// chooseTables is the set of tables (by Table.String) of m that patterns
// (as BACKUP_TABLES; none is every table) choose. A pattern that chooses
// none is an error that names it.
func chooseTables(m *dbbackup.Manifest, patterns []string) (map[string]bool, error) {
	all := make([]dbbackup.Table, len(m.Tables))
	for i, tc := range m.Tables {
		all[i] = dbbackup.Table{Schema: tc.Schema, Name: tc.Name}
	}
	for _, p := range patterns {
		if !strings.Contains(p, ".") {
			return nil, &dbbackup.ConfigError{Var: "--tables", Problem: fmt.Sprintf("%q is not schema-qualified", p),
				Hint: fmt.Sprintf("write schema.table, e.g. public.%s (* matches anything: public.*)", p)}
		}
	}
	selected := all
	if len(patterns) > 0 {
		var err error
		if selected, err = (dbbackup.Scope{Tables: patterns}).Select(all); err != nil {
			if ce, ok := err.(*dbbackup.ConfigError); ok {
				c := *ce
				c.Var = "--tables"
				c.Problem = strings.Replace(c.Problem, "no table in the database", "no table of set "+m.SetID, 1)
				c.Hint = "check the spelling and case (names are case-sensitive, written schema.table); the set's manifest lists its tables"
				return nil, &c
			}
			return nil, err
		}
	}
	chosen := map[string]bool{}
	for _, tb := range selected {
		chosen[tb.String()] = true
	}
	return chosen, nil
}

// eachCSV hands fn the rows of every table of a .csv or .csv.zip: the
// entries of a zip are mapped to tables by the manifest's parts (their
// names were made safe and unique, so they cannot say it); a .csv holds
// the one table of the set.
func eachCSV(f dbbackup.File, m *dbbackup.Manifest, path string, fn func(schema, name string, r io.Reader, header bool) error) error {
	if !strings.Contains(f.Name, ".csv.zip") { // fetch decoded a .zst or .age
		if len(m.Tables) != 1 {
			return fmt.Errorf("%s is one table's, but the manifest lists %d tables", f.Name, len(m.Tables))
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		return fn(m.Tables[0].Schema, m.Tables[0].Name, in, true)
	}
	var parts []dbbackup.Part
	for _, mf := range m.Files {
		if mf.Name == f.Name {
			parts = mf.Parts
		}
	}
	if len(parts) == 0 && len(m.Tables) > 0 {
		return dbbackup.WithHint(fmt.Errorf("the manifest does not say which entry of %s holds which table (a set made before it did)", f.Name), "%s",
			"restore this set from its dump or json (--from), or load each entry with psql's \\copy … CSV HEADER into the table it names")
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", f.Name, err)
	}
	defer z.Close()
	entries := map[string]*zip.File{}
	for _, e := range z.File {
		entries[e.Name] = e
	}
	for _, p := range parts {
		e, ok := entries[p.Name]
		if !ok {
			return fmt.Errorf("%s has no entry %s, which the manifest lists for %s.%s", f.Name, p.Name, p.Schema, p.Table)
		}
		r, err := e.Open()
		if err != nil {
			return fmt.Errorf("open %s in %s: %w", p.Name, f.Name, err)
		}
		err = fn(p.Schema, p.Table, r, true)
		r.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// eachJSON hands fn the rows of every table of a json document, turned
// back into CSV (without a header) of the columns of the table the schema
// made (tables, by Table.String), as the json Reader writes them.
func eachJSON(f dbbackup.File, path string, tables map[string]dbbackup.Table, fn func(schema, name string, r io.Reader, header bool) error) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	doc := json.NewReader(bufio.NewReaderSize(in, 1<<20))
	for {
		h, err := doc.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		tb, ok := tables[h.String()]
		if !ok { // fn says the schema does not make it
			if err := fn(h.Schema, h.Name, strings.NewReader(""), false); err != nil {
				return err
			}
			continue
		}
		pr, pw := io.Pipe()
		written := make(chan error, 1)
		go func() {
			_, err := doc.WriteCSV(pw, tb.Columns)
			pw.CloseWithError(err) // nil: the reader sees io.EOF
			written <- err
		}()
		err = fn(h.Schema, h.Name, pr, false)
		pr.CloseWithError(errStopped) // a writer fn stopped reading from returns
		werr := <-written
		switch {
		case err != nil:
			return err
		case werr != nil:
			return fmt.Errorf("%s: %s: %w", f.Name, h, werr)
		}
	}
}

// errStopped ends the conversion of a table whose load failed.
var errStopped = errors.New("the load of the table stopped")

// countingReader tells tick how many bytes were read through it.
type countingReader struct {
	r    io.Reader
	n    int64
	tick func(rows, bytes int64, done bool)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.tick(0, c.n, false)
	return n, err
}
