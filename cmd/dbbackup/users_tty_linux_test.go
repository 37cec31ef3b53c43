package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/dbbackup/dbbackup/internal/passwd"
	"github.com/dbbackup/dbbackup/internal/state"
)

// openPTY opens a pseudo-terminal: what is written to master is typed on
// slave, and what the terminal echoes comes back on master.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	var n uint32
	if err := ioctl(master, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		t.Fatal(err)
	}
	if err := ioctl(master, syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}

// echoOff reports whether the terminal has stopped echoing what is typed.
func echoOff(f *os.File) bool {
	var tio syscall.Termios
	return ioctl(f, syscall.TCGETS, unsafe.Pointer(&tio)) == nil && tio.Lflag&syscall.ECHO == 0
}

// On a terminal, `user add` turns echo off before the password is typed,
// asks for it twice, and stores it.
func TestUserAddOnTerminalDoesNotEcho(t *testing.T) {
	master, slave := openPTY(t)
	env, dir := userEnv(t)
	useSettings(t, env)

	typed := make(chan error, 1)
	go func() {
		// Typed only once echo is off, as a person types after the prompt
		// (a terminal sends no event for it: polled); both lines at once,
		// the terminal holds the second for the second read. Typed anyway
		// after the deadline, so that the command's read returns.
		var err error
		for deadline := time.Now().Add(20 * time.Second); !echoOff(slave); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				err = fmt.Errorf("echo was never turned off")
				break
			}
		}
		if _, werr := master.WriteString("tty-password-1\ntty-password-1\n"); err == nil {
			err = werr
		}
		typed <- err
	}()
	var out, errOut bytes.Buffer
	cmd := newRootCommand()
	cmd.SetIn(slave)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs([]string{"user", "add", "anna", "--role", "admin"})
	code := report(&errOut, cmd.ExecuteContext(context.Background()))
	if err := <-typed; err != nil {
		t.Fatal(err)
	}
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "Password for anna: ") || !strings.Contains(errOut.String(), "The same again: ") {
		t.Errorf("prompts:\n%s", errOut.String())
	}
	// What the terminal showed: anything echoed would be waiting on master.
	slave.Close()
	shown, _ := io.ReadAll(master) // EIO once the slave is closed and drained
	if bytes.Contains(shown, []byte("tty-password")) {
		t.Errorf("the terminal echoed the password: %q", shown)
	}
	s, err := state.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, hash, ok, _ := s.UserHash(context.Background(), "anna"); !ok || !passwd.Verify(hash, "tty-password-1") {
		t.Error("the password typed on the terminal was not stored")
	}
}
