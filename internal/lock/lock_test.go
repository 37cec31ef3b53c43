package lock

import (
	"errors"
	"io"
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

// TestMain lets the test run a holder of the lock in another process.
func TestMain(m *testing.M) {
	if path := os.Getenv("LOCK_TEST_HOLD"); path != "" {
		if _, err := Acquire(path); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKilledHolderFreesTheLock kills a process holding the lock with
// SIGKILL, the way a crash or kill -9 ends a run.
func TestKilledHolderFreesTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".dbbackup.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LOCK_TEST_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 7)
	if _, err := io.ReadFull(out, line); err != nil || string(line) != "locked\n" {
		t.Fatalf("the holder did not take the lock: %q %v", line, err)
	}
	if _, err := Acquire(path); !IsHeld(err) {
		t.Fatalf("while the other process holds it: got %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Acquire(path)
	if err != nil {
		t.Fatalf("the lock of a killed process is still held: %v", err)
	}
	l.Release()
}

// TestSymlinkIsRefusedAndItsTargetKept: a link planted at the lock's path
// must not make the run overwrite the file it points to.
func TestSymlinkIsRefusedAndItsTargetKept(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "precious")
	if err := os.WriteFile(target, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ".dbbackup.lock")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(path)
	if err == nil {
		l.Release()
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me\n" {
		t.Fatalf("the link's target now holds %q", b)
	}
	if !errors.Is(err, ErrSymlink) {
		t.Fatalf("Acquire through a symlink: got %v, want ErrSymlink", err)
	}
}
