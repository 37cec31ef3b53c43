package dump

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestParseCompression(t *testing.T) {
	for in, want := range map[string]Compression{
		"": "", " ": "", "0": "0", "6": "6", "9": "9", "none": "0", "gzip": "6", "GZIP:1": "1", "gzip:9": "9",
		"lz4": "lz4", "lz4:12": "lz4:12", " zstd ": "zstd", "zstd:1": "zstd:1", "zstd:22": "zstd:22",
	} {
		if got, err := ParseCompression(in); err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", in, got, err, want)
		}
	}
	for in, words := range map[string]string{
		"10": "gzip level from 0 (none) to 9", "-1": "not a pg_dump compression", "fast": "lz4, zstd", "gzip:0": "not a pg_dump",
		"gzip:10": "not a pg_dump", "lz4:0": "from 1 to 12", "lz4:13": "from 1 to 12", "zstd:23": "from 1 to 22",
		"zstd:fast": "from 1 to 22", "brotli": "not a pg_dump compression",
	} {
		_, err := ParseCompression(in)
		var ce *dbbackup.ConfigError
		if !errors.As(err, &ce) || ce.Var != CompressionVar || !strings.Contains(ce.Problem+ce.Hint, words) {
			t.Errorf("%q: got %v, want a ConfigError naming %s that says %q", in, err, CompressionVar, words)
		}
	}
}

// The probe asks the installed pg_dump itself: it takes every gzip level,
// and lz4 or zstd only from version 16 on.
func TestCheckCompressionAsksPgDump(t *testing.T) {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		t.Skip("no pg_dump on PATH")
	}
	out, err := version(context.Background(), bin)
	if err != nil {
		t.Fatal(err)
	}
	_, major := parseVersion(string(out))
	for _, c := range []Compression{"", "0", "1", "9"} {
		if err := checkCompression(context.Background(), bin, major, c); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
	err = checkCompression(context.Background(), bin, major, "zstd")
	if major >= 16 {
		t.Logf("pg_dump %d: zstd %v", major, err)
		return
	}
	var ce *dbbackup.ConfigError
	if !errors.As(err, &ce) || ce.Var != CompressionVar || !strings.Contains(ce.Problem, "from version 16") || !strings.Contains(ce.Hint, "0 to 9") {
		t.Errorf("zstd with pg_dump %d: got %v, want a refusal naming %s and version 16", major, err, CompressionVar)
	}
}

// A pg_dump 16 built without lz4 refuses it in its own words, which the
// error passes on; one built with it passes.
func TestCheckCompressionOfABuildWithoutLZ4(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "pg_dump")
	script := `#!/bin/sh
case "$*" in
*--compress=lz4*) echo 'pg_dump: error: this build does not support compression with LZ4' >&2; exit 1 ;;
*) echo 'pg_dump: error: ` + parallelOnly + `' >&2; exit 1 ;;
esac
`
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := checkCompression(context.Background(), fake, 16, "zstd:3"); err != nil {
		t.Errorf("zstd:3: %v", err)
	}
	err := checkCompression(context.Background(), fake, 16, "lz4")
	var ce *dbbackup.ConfigError
	if !errors.As(err, &ce) || ce.Var != CompressionVar || !strings.Contains(ce.Problem, "does not support compression with LZ4") {
		t.Errorf("lz4: got %v, want pg_dump's words under %s", err, CompressionVar)
	}
}
