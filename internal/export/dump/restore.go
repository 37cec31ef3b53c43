package dump

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Restore loads a custom-format archive, made from a server of
// serverVersion (as the manifest records it), into the database that env
// points to (libpq variables, password included), with the pg_restore that
// matches that version where there is one. Owners are not restored (the
// target's user owns everything), and the first error stops it, so a
// partial restore is never taken for a good one.
func Restore(ctx context.Context, serverVersion string, env []string, archive string, jobs int) error {
	major := 0
	if m := versionPattern.FindStringSubmatch(serverVersion); m != nil {
		major, _ = strconv.Atoi(m[1])
	}
	pgRestore := find("pg_restore", major)
	if pgRestore == "" {
		return fmt.Errorf("pg_restore was not found on PATH: install the PostgreSQL client")
	}
	args := []string{"--no-owner", "--exit-on-error", "--no-password", "--jobs=" + fmt.Sprint(max(jobs, 1))}
	var dbname string
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "PGDATABASE="); ok {
			dbname = v
		}
	}
	if dbname != "" {
		args = append(args, "--dbname="+dbname) // pg_restore needs -d to restore into a database
	}
	cmd := exec.CommandContext(ctx, pgRestore, append(args, archive)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &tail{buf: &stderr, max: 4096}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore of %s failed (%v): %s", filepath.Base(archive), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
