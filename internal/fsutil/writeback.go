package fsutil

import (
	"os"
	"time"
)

const (
	// writeBackPoll is how often WriteBack looks at the file's size.
	writeBackPoll = 50 * time.Millisecond
	// writeBackStep is how much new data WriteBack waits for before it
	// fsyncs the file again.
	writeBackStep = 32 << 20
)

// WriteBack fsyncs the file at path, every writeBackStep bytes, while
// another goroutine writes it, so that the fsync that seals the file
// finds little left to do. Without it, that last fsync wrote hundreds of
// MB at once: on a virtual disk whose cache flush costs time in
// proportion to what was written since the last one, half a second at the
// end of a run, even when the pages had been handed to the disk as the
// file grew (sync_file_range, which flushes no cache). The writer never
// waits for these fsyncs. It is only a help: it never fails, and only the
// sealing fsync makes the file durable. stop ends it and waits for it to
// end.
func WriteBack(path string) (stop func()) {
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		tick := time.NewTicker(writeBackPoll)
		defer tick.Stop()
		var f *os.File
		var synced int64 // the bytes before it were fsynced
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
			if err != nil || st.Size()-synced < writeBackStep {
				continue
			}
			f.Sync()
			synced = st.Size()
		}
	}()
	return func() {
		close(done)
		<-ended
	}
}
