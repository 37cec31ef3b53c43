package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildDir  string // the built binary's folder, removed by TestMain
	buildOnce sync.Once
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// dbbackupBinary builds cmd/dbbackup once for the whole test binary: the
// server under test is the program a user runs, started as a process.
func dbbackupBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "dbbackup-e2e-"); buildErr != nil {
			return
		}
		args := []string{"build", "-o", filepath.Join(buildDir, "dbbackup")}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "github.com/dbbackup/dbbackup/cmd/dbbackup")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(buildDir, "dbbackup")
}

// install is a dbbackup installation in a folder of its own, laid out as
// the README sets one up: the settings in a .env, BACKUP_DIR and STATE_DIR
// beside it. Commands run in that folder with none of this machine's
// settings in their environment.
type install struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// newInstall writes settings into a new folder's .env.
func newInstall(t *testing.T, settings map[string]string) *install {
	t.Helper()
	in := &install{t: t, bin: dbbackupBinary(t), dir: t.TempDir()}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var env strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&env, "%s=%s\n", k, settings[k])
	}
	if err := os.WriteFile(filepath.Join(in.dir, ".env"), []byte(env.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	in.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + in.dir, "TZ=UTC", "LANG=C.UTF-8",
		"GORACE=halt_on_error=1 exitcode=66"}
	return in
}

// write puts a file in the folder, readable by its owner alone.
func (in *install) write(name string, content []byte) {
	in.t.Helper()
	if err := os.WriteFile(filepath.Join(in.dir, name), content, 0o600); err != nil {
		in.t.Fatal(err)
	}
}

// run runs a dbbackup command in the folder with stdin, and fails the
// test when it does not exit 0.
func (in *install) run(stdin string, args ...string) string {
	in.t.Helper()
	cmd := exec.Command(in.bin, args...)
	cmd.Dir, cmd.Env, cmd.Stdin = in.dir, in.env, strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		in.t.Fatalf("dbbackup %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// server is `dbbackup serve` running in an install's folder.
type server struct {
	t    *testing.T
	URL  string // where it serves, without a trailing slash
	cmd  *exec.Cmd
	log  *syncBuffer // what it printed, stdout and stderr
	done chan error  // its exit
}

// serve starts `dbbackup serve` on a port the kernel picks and returns
// once it says where it serves (it listens by then). Its log is printed
// when the test fails.
func (in *install) serve() *server {
	in.t.Helper()
	s := &server{t: in.t, log: &syncBuffer{}, done: make(chan error, 1)}
	s.cmd = exec.Command(in.bin, "serve")
	s.cmd.Dir, s.cmd.Env, s.cmd.Stderr = in.dir, append(in.env, "SERVE_ADDR=127.0.0.1:0"), s.log
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		in.t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		in.t.Fatal(err)
	}
	serving := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			fmt.Fprintln(s.log, lines.Text())
			if rest, ok := strings.CutPrefix(lines.Text(), "dbbackup serves "); ok {
				serving <- strings.TrimSuffix(strings.Fields(rest)[0], "/")
			}
		}
		s.done <- s.cmd.Wait() // after the last read, as Wait wants
	}()
	in.t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.done
		}
		if in.t.Failed() {
			in.t.Logf("dbbackup serve's log:\n%s", s.log.String())
		}
	})
	select {
	case s.URL = <-serving:
		return s
	case err := <-s.done:
		s.done <- err
		in.t.Fatalf("dbbackup serve exited before it served: %v\n%s", err, s.log.String())
	case <-time.After(time.Minute): // a -race binary on a busy 2-core machine starts in seconds
		in.t.Fatalf("dbbackup serve did not say where it serves within a minute\n%s", s.log.String())
	}
	return nil
}

// stop sends SIGTERM, as systemd and docker stop do, and fails the test
// unless serve exits 0 within limit.
func (s *server) stop(limit time.Duration) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	select {
	case err := <-s.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			s.t.Fatalf("dbbackup serve exited with %v after SIGTERM\n%s", err, s.log.String())
		} else if err != nil {
			s.t.Fatal(err)
		}
	case <-ctx.Done():
		s.t.Fatalf("dbbackup serve still running %s after SIGTERM\n%s", limit, s.log.String())
	}
}

// syncBuffer is a bytes.Buffer that a process and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
