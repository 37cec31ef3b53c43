package fsutil

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// WriteBack starts the disk writing the file at path while another
// goroutine writes it. Linux keeps a new file's pages in memory for up to
// half a minute; the fsync that seals the file then writes all of it at
// once, and for a file of hundreds of MB the run waits a good part of a
// second. Written back as it grows, the file has little left for the
// fsync. It is only a hint: it never fails, and only an fsync makes the
// file durable. stop ends it and waits for it to end.
func WriteBack(path string) (stop func()) {
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		tick := time.NewTicker(writeBackPoll)
		defer tick.Stop()
		var f *os.File
		var from int64 // the bytes before it were handed to the disk
		for {
			select {
			case <-done:
				if f != nil {
					f.Close()
				}
				return
			case <-tick.C:
			}
			if f == nil {
				if f, _ = os.Open(path); f == nil {
					continue // not created yet
				}
			}
			st, err := f.Stat()
			if err != nil || st.Size()-from < writeBackStep {
				continue
			}
			// SYNC_FILE_RANGE_WRITE starts the writing and does not wait.
			unix.SyncFileRange(int(f.Fd()), from, st.Size()-from, unix.SYNC_FILE_RANGE_WRITE)
			from = st.Size()
		}
	}()
	return func() {
		close(done)
		<-ended
	}
}
