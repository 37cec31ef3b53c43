package dbbackup

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Build is what the running binary knows of how it was built: what
// `dbbackup --version` prints, so that a bug report names the exact code.
type Build struct {
	Version  string    // Version when set at link time, else the module's version (go install …@v1.2.3), else "dev"
	Revision string    // the VCS commit the binary was built from; "" when the build did not record one
	Time     time.Time // that commit's time; zero when not recorded
	Modified bool      // the work tree had changes not in Revision
	Go       string    // the Go toolchain, e.g. "go1.26.8"
	Platform string    // GOOS/GOARCH, e.g. "linux/amd64"
}

// ReadBuild reads the build information Go embeds in every binary.
// `go build` in a Git work tree records the commit; `go run`, `go test`
// and a build with -buildvcs=false do not, and the line says less.
func ReadBuild() Build {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = nil
	}
	return buildFrom(info, Version)
}

// buildFrom is ReadBuild on given information (nil: none) and the
// link-time Version.
func buildFrom(info *debug.BuildInfo, linked string) Build {
	b := Build{Version: linked, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info == nil {
		return b
	}
	b.Go = info.GoVersion
	if linked == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time, _ = time.Parse(time.RFC3339, s.Value) // an unreadable time is left out, not fatal
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is one line in a stable format, the fields in this order and
// the parenthesis left out when no commit is known:
//
//	dbbackup v1.4.0 (1a2b3c4d5e6f, 2026-11-01T10:00:00Z, modified) built with go1.26.8 for linux/amd64
//	dbbackup dev built with go1.26.8 for linux/amd64
func (b Build) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "dbbackup %s", b.Version)
	if b.Revision != "" {
		rev := b.Revision
		if len(rev) > 12 {
			rev = rev[:12] // as Go's pseudo-versions and `git log --oneline` abbreviate it
		}
		fmt.Fprintf(&s, " (%s", rev)
		if !b.Time.IsZero() {
			fmt.Fprintf(&s, ", %s", b.Time.UTC().Format(time.RFC3339))
		}
		if b.Modified {
			s.WriteString(", modified")
		}
		s.WriteString(")")
	}
	fmt.Fprintf(&s, " built with %s for %s", b.Go, b.Platform)
	return s.String()
}
