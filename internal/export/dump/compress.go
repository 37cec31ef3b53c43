package dump

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/dbbackup/dbbackup"
)

// CompressionVar is the setting that chooses pg_dump's compression.
const CompressionVar = "BACKUP_DUMP_COMPRESSION"

// Compression is pg_dump's -Z argument, as every pg_dump that has the
// method takes it: a gzip level "0" to "9" (0: none), or "lz4", "lz4:N",
// "zstd", "zstd:N" (pg_dump 16 and newer). Empty: no -Z, pg_dump's own
// default, which for the custom format is gzip at zlib's default level, 6.
type Compression string

// levels are the methods pg_dump 16 added and the levels each takes
// (PostgreSQL's common/compression.c).
var levels = map[string]struct{ min, max int }{"lz4": {1, 12}, "zstd": {1, 22}}

// ParseCompression reads BACKUP_DUMP_COMPRESSION: a gzip level 0 to 9,
// none (0), gzip (6, zlib's default), gzip:N, lz4, lz4:N, zstd or zstd:N.
// gzip is written as its level, which pg_dump of any version takes.
func ParseCompression(s string) (Compression, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	method, level, hasLevel := strings.Cut(s, ":")
	n, err := strconv.Atoi(level)
	switch {
	case s == "":
		return "", nil
	case s == "none":
		return "0", nil
	case s == "gzip":
		return "6", nil
	case !hasLevel && len(s) == 1 && s >= "0" && s <= "9":
		return Compression(s), nil
	case method == "gzip" && hasLevel && err == nil && n >= 1 && n <= 9:
		return Compression(strconv.Itoa(n)), nil
	}
	if r, ok := levels[method]; ok {
		if !hasLevel {
			return Compression(method), nil
		}
		if err == nil && n >= r.min && n <= r.max {
			return Compression(method + ":" + strconv.Itoa(n)), nil
		}
		return "", &dbbackup.ConfigError{Var: CompressionVar, Problem: fmt.Sprintf("%q: %s takes a level from %d to %d", s, method, r.min, r.max),
			Hint: fmt.Sprintf("write %s:%d for the fastest, %s:%d for the smallest, or %s alone for its default", method, r.min, method, r.max, method)}
	}
	return "", &dbbackup.ConfigError{Var: CompressionVar, Problem: fmt.Sprintf("%q is not a pg_dump compression", s),
		Hint: "use a gzip level from 0 (none) to 9, lz4, zstd, lz4:1-12 or zstd:1-22 (lz4 and zstd need pg_dump 16 or newer), or leave it empty for pg_dump's default, gzip level 6"}
}

// method is the compression method's name.
func (c Compression) method() string {
	m, _, _ := strings.Cut(string(c), ":")
	if _, ok := levels[m]; ok {
		return m
	}
	return "gzip"
}

// parallelOnly is what pg_dump says when it has accepted -Z and refuses
// -j with the custom format, before it connects to anything.
const parallelOnly = "parallel backup only supported by the directory format"

// checkCompression asks bin (pg_dump of version major) whether it can
// compress with c: pg_dump checks -Z (its syntax, then whether its build
// has the method) before it refuses --jobs with the custom format, and
// both before it connects. So the probe connects nowhere and tells a
// build without lz4 or zstd from one with it.
func checkCompression(ctx context.Context, bin string, major int, c Compression) error {
	if c == "" {
		return nil
	}
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--compress="+string(c), "--jobs=2", "--file="+os.DevNull)
	cmd.Env = inheritedEnv() // no connection: nothing to reach, nothing to leak
	out, _ := cmd.CombinedOutput()
	said := strings.TrimSpace(string(out))
	if strings.Contains(said, parallelOnly) {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if m := c.method(); m != "gzip" && major < 16 {
		return &dbbackup.ConfigError{Var: CompressionVar,
			Problem: fmt.Sprintf("%s: pg_dump %d (%s) has no %s; pg_dump compresses with lz4 and zstd from version 16", c, major, bin, m),
			Hint:    "use a gzip level from 0 to 9, or install postgresql-client-16 or newer and set PG_DUMP to its pg_dump"}
	}
	return &dbbackup.ConfigError{Var: CompressionVar,
		Problem: fmt.Sprintf("%s: %s refuses it: %s", c, bin, said),
		Hint:    fmt.Sprintf("use a gzip level from 0 to 9, or a pg_dump built with %s (set PG_DUMP to it)", c.method())}
}
