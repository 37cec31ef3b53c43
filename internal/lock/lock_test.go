package lock

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSecondHolderIsRefusedWithPidAndTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".dbbackup.lock")
	l, err := Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to open files: a second open in this process
	// conflicts like another process would.
	_, err = Acquire(path)
	if !IsHeld(err) {
		t.Fatalf("second Acquire: got %v, want HeldError", err)
	}
	he := err.(*HeldError)
	if he.PID != os.Getpid() || time.Since(he.Since) > time.Minute || !strings.Contains(err.Error(), "another backup is running (pid") {
		t.Fatalf("held error %+v: %v", he, err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(path)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}

// TestKilledHolderFreesTheLock kills a process holding the lock with
// SIGKILL, the way a crash or kill -9 ends a run.
func TestKilledHolderFreesTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".dbbackup.lock")
	cmd := exec.Command("flock", "--exclusive", "--close", path, "sleep", "60") // only flock(1) holds it
	if err := cmd.Start(); err != nil {
		t.Skipf("flock(1) not available: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, err := Acquire(path)
		if IsHeld(err) {
			break
		}
		if err == nil { // flock(1) has not taken it yet
			l.Release()
		}
		if time.Now().After(deadline) {
			t.Fatal("flock(1) never took the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Acquire(path)
	if err != nil {
		t.Fatalf("the lock of a killed process is still held: %v", err)
	}
	l.Release()
}
