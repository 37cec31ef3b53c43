package dbbackup_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// waitReadTo waits until a descriptor of this process that reads path
// alone (not the writer's) has read size bytes of it, as Linux's
// /proc/self/fdinfo tells.
func waitReadTo(path string, size int64) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		fds, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			return err
		}
		for _, fd := range fds {
			if target, _ := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); target != path {
				continue
			}
			info, err := os.ReadFile(filepath.Join("/proc/self/fdinfo", fd.Name()))
			if err != nil {
				continue // closed meanwhile
			}
			var pos int64 = -1
			var flags uint64
			for _, line := range strings.Split(string(info), "\n") {
				k, v, _ := strings.Cut(line, ":")
				switch k {
				case "pos":
					pos, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				case "flags":
					flags, _ = strconv.ParseUint(strings.TrimSpace(v), 8, 64)
				}
			}
			if flags&3 == uint64(os.O_RDONLY) && pos >= size {
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("nothing read %s to byte %d", path, size)
}

// TestAFileChangedAfterItWasSummedFailsTheRun: a csv (a format that
// Appends, so checksummed while it is written) whose writer goes back and
// changes a byte the checksums already read, as only a writer wrongly
// marked Appends would. The local folder reads the sealed file again as
// it stores it: the run fails at store with a checksum mismatch and
// leaves nothing, never a file under sums that are not its own.
func TestAFileChangedAfterItWasSummedFailsTheRun(t *testing.T) {
	e := &lineExporter{format: "csv", pause: func(f *os.File, name string) error {
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if err := waitReadTo(f.Name(), st.Size()); err != nil {
			return err
		}
		_, err = f.WriteAt([]byte("P"), 0)
		return err
	}}
	r, dest := newRunner(t, e, &lineExporter{format: "json"})
	_, err := r.Run(context.Background(), nil)
	var se *dbbackup.StageError
	if !errors.As(err, &se) || se.Stage != dbbackup.StageStore || !errors.Is(err, dbbackup.ErrChecksumMismatch) {
		t.Fatalf("got %v, want a checksum mismatch at store", err)
	}
	assertDestEmpty(t, dest)
	assertStagingEmpty(t, r)
}
