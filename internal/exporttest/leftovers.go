package exporttest

import (
	"os"
	"path/filepath"
	"testing"
)

// checkLeftovers: when Export returns, the caller owns path and nothing
// else was made: no other file beside it (wrote is whether path must be
// there), none in TMPDIR, and no descriptor still open on it, which
// would keep writing after the caller checksummed the file.
func checkLeftovers(t *testing.T, dir, path, tmp string, wrote bool) {
	t.Helper()
	for _, d := range []string{dir, tmp} {
		entries, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if full := filepath.Join(d, e.Name()); full != path {
				t.Errorf("Export left %s behind", full)
			}
		}
	}
	if _, err := os.Stat(path); wrote && err != nil {
		t.Errorf("Export succeeded without writing %s: %v", path, err)
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return // not Linux: descriptors cannot be listed
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	real = filepath.Join(real, filepath.Base(path))
	for _, fd := range fds {
		if target, _ := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); target == path || target == real {
			t.Errorf("Export returned with %s still open", filepath.Base(path))
		}
	}
}
