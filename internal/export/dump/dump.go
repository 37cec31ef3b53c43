// Package dump writes the pg_dump custom-format archive of a backup set, the
// file a DBA restores from with pg_restore. pg_dump reads the run's own
// snapshot (--snapshot), so the archive agrees with the other formats.
package dump

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/fsutil"
)

// Exporter runs pg_dump.
type Exporter struct {
	// PgDump is the pg_dump to run. Empty: the one matching the server's
	// major version in /usr/lib/postgresql, else the first on PATH.
	PgDump string
	// Conn reaches the database: pg_dump's environment holds it and
	// little else.
	Conn Conn
	// Scoped limits the archive to the tables of the set. Otherwise it is
	// the whole database: schema, data, sequences, functions, everything.
	Scoped bool
	// Compression is pg_dump's -Z (BACKUP_DUMP_COMPRESSION); empty: its
	// default.
	Compression Compression
}

var _ dbbackup.Exporter = (*Exporter)(nil)

// Format implements dbbackup.Exporter.
func (e *Exporter) Format() dbbackup.Format { return dbbackup.FormatDump }

// Extension implements dbbackup.Exporter.
func (e *Exporter) Extension(tables []dbbackup.Table) string {
	return dbbackup.FormatDump.Suffix(len(tables))
}

// Export implements dbbackup.Exporter.
func (e *Exporter) Export(ctx context.Context, src dbbackup.Source, tables []dbbackup.Table, path string) (dbbackup.ExportResult, error) {
	info := src.Info()
	bin, err := e.Check(ctx, info.ServerMajor, info.ServerVersion)
	if err != nil {
		return dbbackup.ExportResult{}, err
	}
	// pg_dump would create the file by the umask (0644 as a rule); made
	// here first, it is owner-only from the start: pg_dump truncates an
	// existing file and keeps its mode.
	f, err := fsutil.CreatePrivate(path)
	if err != nil {
		return dbbackup.ExportResult{}, err
	}
	f.Close()
	args := []string{"--format=custom", "--no-password", "--snapshot=" + info.SnapshotID, "--file=" + path}
	if e.Compression != "" {
		args = append(args, "--compress="+string(e.Compression))
	}
	if e.Scoped {
		for _, t := range tables {
			args = append(args, "--table="+pattern(t))
			for _, p := range t.Partitions { // pg_dump before 16 takes no partition of a --table
				args = append(args, "--table="+pattern(p))
			}
		}
	}
	// The snapshot's own database, whatever PGDATABASE the connection fell back to.
	cmd, done, err := e.Conn.command(ctx, bin, args, "PGDATABASE="+info.Database)
	if err != nil {
		return dbbackup.ExportResult{}, err
	}
	defer done()
	var stderr bytes.Buffer
	cmd.Stderr = &tail{buf: &stderr, max: 4096}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return dbbackup.ExportResult{}, ctx.Err()
		}
		return dbbackup.ExportResult{}, fmt.Errorf("pg_dump failed (%v): %s", err, strings.TrimSpace(stderr.String()))
	}
	return dbbackup.ExportResult{}, nil
}

// Check finds pg_dump and refuses one older than the server, which cannot
// dump it faithfully, one that would ignore a setting of Conn, or one
// that cannot compress as Compression asks. It returns the path to run.
func (e *Exporter) Check(ctx context.Context, serverMajor int, serverVersion string) (string, error) {
	bin, major, err := e.client(ctx, serverMajor, serverVersion)
	if err != nil {
		return "", err
	}
	if err := e.Conn.check("pg_dump", bin, major, "PG_DUMP"); err != nil {
		return "", err
	}
	if err := checkCompression(ctx, bin, major, e.Compression); err != nil {
		return "", err
	}
	return bin, nil
}

// client is Check that also returns pg_dump's major version.
func (e *Exporter) client(ctx context.Context, serverMajor int, serverVersion string) (string, int, error) {
	bin := e.PgDump
	if bin == "" {
		bin = find("pg_dump", serverMajor)
	}
	if bin == "" {
		return "", 0, &dbbackup.ConfigError{Var: "PG_DUMP", Problem: "pg_dump was not found on PATH",
			Hint: fmt.Sprintf("install the PostgreSQL %d client (Debian: apt-get install postgresql-client-%d) or set PG_DUMP to its path, or remove dump from BACKUP_FORMATS", serverMajor, serverMajor)}
	}
	out, err := version(ctx, bin)
	if err != nil {
		if ctx.Err() != nil { // a cancelled run, not a broken pg_dump
			return "", 0, ctx.Err()
		}
		return "", 0, &dbbackup.ConfigError{Var: "PG_DUMP", Problem: fmt.Sprintf("%s does not run: %v", bin, err),
			Hint: "set PG_DUMP to the path of a working pg_dump"}
	}
	version, major := parseVersion(string(out))
	if major < serverMajor {
		return "", 0, &dbbackup.ConfigError{Var: "PG_DUMP",
			Problem: fmt.Sprintf("pg_dump %s (%s) is older than the server, PostgreSQL %s", version, bin, serverVersion),
			Hint:    fmt.Sprintf("pg_dump must be version %d or newer: install postgresql-client-%d and set PG_DUMP to it", serverMajor, serverMajor)}
	}
	return bin, major, nil
}

// find prefers Debian's versioned tool (pg_dump, pg_restore) for the
// server's major version: /usr/bin/pg_dump is a wrapper that may pick
// another one.
func find(tool string, serverMajor int) string {
	versioned := filepath.Join("/usr/lib/postgresql", strconv.Itoa(serverMajor), "bin", tool)
	if _, err := os.Stat(versioned); err == nil {
		return versioned
	}
	bin, _ := exec.LookPath(tool)
	return bin
}

var versionPattern = regexp.MustCompile(`\b(\d+)(?:\.\d+)*`)

// parseVersion reads "pg_dump (PostgreSQL) 15.20 (Debian …)".
func parseVersion(out string) (version string, major int) {
	_, after, _ := strings.Cut(out, ")")
	m := versionPattern.FindStringSubmatch(after)
	if m == nil {
		return strings.TrimSpace(out), 0
	}
	major, _ = strconv.Atoi(m[1])
	return m[0], major
}

// pattern is a --table pattern that matches exactly t: inside double quotes
// pg_dump takes every character literally.
func pattern(t dbbackup.Table) string {
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	return q(t.Schema) + "." + q(t.Name)
}

// tail keeps the last max bytes written: pg_dump's final words say why it
// failed.
type tail struct {
	buf *bytes.Buffer
	max int
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}
