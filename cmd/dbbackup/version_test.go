package main

import (
	"regexp"
	"runtime"
	"testing"
)

// A bug report pastes `dbbackup --version`: one line naming the version,
// the Go toolchain and the platform (the commit when the build recorded
// one, which `go test` does not).
func TestVersionIsOneLineOfBuildInfo(t *testing.T) {
	r := runCLI(t, nil, "--version")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	want := `^dbbackup \S+( \([0-9a-f]{12}(, [0-9TZ:-]+)?(, modified)?\))? built with ` +
		regexp.QuoteMeta(runtime.Version()) + ` for ` + runtime.GOOS + `/` + runtime.GOARCH + "\n$"
	if !regexp.MustCompile(want).MatchString(r.stdout) {
		t.Errorf("--version printed %q, want a line matching %s", r.stdout, want)
	}
}
