package dbbackup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
)

// summedFile checksums the file name in a new staging folder while it is
// written with content, and returns the staging and the finished summing.
func summedFile(t *testing.T, name string, content []byte) (*staging, *summing) {
	t.Helper()
	st := &staging{dir: t.TempDir(), setID: "backup_20260210_020000"}
	w := newWriting(st.path(name))
	m := st.sum(context.Background(), w)
	f, err := os.OpenFile(st.path(name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	for b := content; len(b) > 0; b = b[min(len(b), 4096):] { // grows while it is read
		if _, err := f.Write(b[:min(len(b), 4096)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	w.finish(nil)
	m.wait()
	return st, m
}

// TestSumWhileWritingTakesTheFilesSums: the sums taken as the file grew
// are the finished file's.
func TestSumWhileWritingTakesTheFilesSums(t *testing.T) {
	content := bytes.Repeat([]byte("id,name\n1,Имя\n"), 100000)
	st, m := summedFile(t, "backup_20260210_020000.csv", content)
	f, err := st.seal("backup_20260210_020000.csv", FormatCSV, m)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	if f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(content)) {
		t.Errorf("sealed %d bytes with sha256 %s, want %d bytes with %x", f.Size, f.SHA256, len(content), sum)
	}
}

// TestAFileThatGrewAfterItWasSummedDoesNotSeal: sums of fewer bytes than
// the file holds are refused at once (a byte changed in place is the
// destination's to catch: TestAFileChangedAfterItWasSummedFailsTheRun).
func TestAFileThatGrewAfterItWasSummedDoesNotSeal(t *testing.T) {
	name := "backup_20260210_020000.json"
	st, m := summedFile(t, name, bytes.Repeat([]byte(`{"a":1}`), 50000))
	f, err := os.OpenFile(st.path(name), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("more")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := st.seal(name, FormatJSON, m); err == nil || !strings.Contains(err.Error(), "were checksummed as the file was written") {
		t.Errorf("seal of a file that grew after it was summed: %v", err)
	}
}

// TestSumWhileWritingEndsWithAFailedExport: the summing of a file whose
// exporter failed ends at once with that failure.
func TestSumWhileWritingEndsWithAFailedExport(t *testing.T) {
	st := &staging{dir: t.TempDir()}
	w := newWriting(st.path("never.csv"))
	m := st.sum(context.Background(), w)
	w.finish(errors.New("disk full"))
	if _, err := m.wait(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("summing of a failed export: %v", err)
	}
}
