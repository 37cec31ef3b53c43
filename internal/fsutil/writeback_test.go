package fsutil

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWriteBackLeavesAGrowingFileAsWritten: WriteBack follows a file
// written in steps, past its step size, created after it started; the
// file holds what was written, and stop returns once it has ended. On a
// path never created, stop returns too.
func TestWriteBackLeavesAGrowingFileAsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "growing")
	stop := WriteBack(path)
	time.Sleep(2 * writeBackPoll) // it looks before the file exists
	f, err := CreatePrivate(path)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	var want []byte
	for i := range 3 * writeBackStep / len(chunk) {
		chunk[0] = byte(i)
		if _, err := f.Write(chunk); err != nil {
			t.Fatal(err)
		}
		want = append(want, chunk...)
		if i%4 == 0 {
			time.Sleep(writeBackPoll) // let it hand some to the disk
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	stop()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the file holds %d bytes that differ from the %d written", len(got), len(want))
	}

	done := make(chan struct{})
	go func() {
		WriteBack(filepath.Join(t.TempDir(), "never"))()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Error("stop did not return for a file never created")
	}
}
