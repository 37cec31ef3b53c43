package dump

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Restore loads a custom-format archive, made from a server of
// serverVersion (as the manifest records it), into the database named
// dbname that conn reaches, with the pg_restore that matches that version
// where there is one. variable names the setting that gave the target,
// for errors. Owners are not restored (the target's user owns
// everything), and the whole archive is one transaction: it is restored
// entirely or not at all.
func Restore(ctx context.Context, serverVersion string, conn Conn, dbname, variable, archive string) error {
	major := 0
	if m := versionPattern.FindStringSubmatch(serverVersion); m != nil {
		major, _ = strconv.Atoi(m[1])
	}
	pgRestore := find("pg_restore", major)
	if pgRestore == "" {
		return fmt.Errorf("pg_restore was not found on PATH: install the PostgreSQL client")
	}
	out, err := version(ctx, pgRestore)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s does not run: %v", pgRestore, err)
	}
	_, clientMajor := parseVersion(string(out))
	if err := conn.check("pg_restore", pgRestore, clientMajor, variable); err != nil {
		return err
	}
	// -d is what makes pg_restore restore rather than print SQL; as a
	// conninfo holding only dbname, a name with = or :// is a name.
	args := []string{"--no-owner", "--exit-on-error", "--single-transaction", "--no-password",
		"--dbname=dbname=" + quote(dbname), archive}
	cmd, done, err := conn.command(ctx, pgRestore, args)
	if err != nil {
		return err
	}
	defer done()
	var stderr bytes.Buffer
	cmd.Stderr = &tail{buf: &stderr, max: 4096}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("pg_restore of %s failed (%v): %s", filepath.Base(archive), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// quote is a libpq conninfo value: single-quoted, \ and ' escaped.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
