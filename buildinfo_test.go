package dbbackup

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestBuildLine(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	vcs := []debug.BuildSetting{
		{Key: "-trimpath", Value: "true"},
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"},
		{Key: "vcs.time", Value: "2026-11-01T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := []struct {
		name   string
		info   *debug.BuildInfo
		linked string
		want   string
	}{
		{"no build information", nil, "dev",
			"dbbackup dev built with " + runtime.Version() + " for " + platform},
		{"a work tree build: the commit, its time, and that it was changed", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Path: "github.com/dbbackup/dbbackup", Version: "(devel)"}, Settings: vcs}, "dev",
			"dbbackup dev (1a2b3c4d5e6f, 2026-11-01T10:00:00Z, modified) built with go1.26.8 for " + platform},
		{"go install …@v1.4.0: the module's version, no commit", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Path: "github.com/dbbackup/dbbackup", Version: "v1.4.0"}}, "dev",
			"dbbackup v1.4.0 built with go1.26.8 for " + platform},
		{"a version set at link time wins over the module's", &debug.BuildInfo{GoVersion: "go1.26.8",
			Main: debug.Module{Version: "v0.0.0-20261101100000-1a2b3c4d5e6f"}, Settings: vcs[:4]}, "1.4.0",
			"dbbackup 1.4.0 (1a2b3c4d5e6f, 2026-11-01T10:00:00Z) built with go1.26.8 for " + platform},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := buildFrom(tt.info, tt.linked).String(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
