package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"

	"github.com/dbbackup/dbbackup/internal/passwd"
	"github.com/dbbackup/dbbackup/internal/state"
)

func TestServeRefusesAnOpenAddressWithoutAnAdmin(t *testing.T) {
	res := runCLI(t, map[string]string{"SERVE_ADDR": "0.0.0.0:0"}, "serve")
	if res.code != exitConfig || !strings.Contains(res.stderr, "SERVE_ADDR") || !strings.Contains(res.stderr, "dbbackup user add NAME --role admin") {
		t.Errorf("serve on 0.0.0.0 without an admin: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res = runCLI(t, map[string]string{"SERVE_SHUTDOWN_WAIT": "ten minutes"}, "serve")
	if res.code != exitConfig || !strings.Contains(res.stderr, "SERVE_SHUTDOWN_WAIT") {
		t.Errorf("serve with a bad SERVE_SHUTDOWN_WAIT: exit %d\n%s", res.code, res.stderr)
	}
}

// lockedBuffer is a log that server goroutines write while a test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// serving is `dbbackup serve` running in the test.
type serving struct {
	url  string // where it listens, http://127.0.0.1:PORT/
	log  *lockedBuffer
	stop context.CancelFunc // SIGTERM
	done chan struct{}      // closed when runServe returned err
	err  error
}

// serve starts runServe with its history in stateDir and the .env
// settings, and returns once it listens.
func serve(t *testing.T, stateDir, settings string) *serving {
	t.Helper()
	envFile := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(envFile, []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	useSettings(t, map[string]string{"STATE_DIR": stateDir})
	g, _, _ := seamGlobals(envFile, "")
	out, w := io.Pipe()
	s := &serving{log: &lockedBuffer{}, done: make(chan struct{})}
	g.stdout, g.stderr = w, s.log
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go func() {
		s.err = runServe(ctx, g)
		w.Close()
		close(s.done)
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("serve: %v\n%s", s.end(), s.log)
	}
	go io.Copy(io.Discard, out)
	s.url = strings.Fields(strings.TrimPrefix(line, "dbbackup serves "))[0]
	t.Cleanup(func() { s.end() })
	return s
}

// end stops the server as SIGTERM does and returns runServe's error.
func (s *serving) end() error {
	s.stop()
	<-s.done
	return s.err
}

func TestServeAnswersAndStopsOnSIGTERM(t *testing.T) {
	stateDir := t.TempDir()
	s := serve(t, stateDir, "BACKUP_DIR="+t.TempDir()+"\nSERVE_ADDR=127.0.0.1:0\nBACKUP_CATCH_UP=false\n")
	for path, want := range map[string]int{"healthz": 200, "login": 200, "metrics": 401, "": 200} {
		res, err := http.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET /%s: %d, want %d", path, res.StatusCode, want)
		}
	}
	if err := s.end(); err != nil {
		t.Errorf("serve after SIGTERM: %v, want a clean exit\n%s", err, s.log)
	}
	if _, err := http.Get(s.url + "healthz"); err == nil {
		t.Error("the server still answers after SIGTERM")
	}
}

func TestServeListensOnEveryAddressOnceThereIsAnAdmin(t *testing.T) {
	stateDir := t.TempDir()
	store, err := state.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := passwd.Hash("a long password")
	if err == nil {
		err = store.AddUser(context.Background(), "alice", state.RoleAdmin, hash)
	}
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := serve(t, stateDir, "BACKUP_DIR="+t.TempDir()+"\nSERVE_ADDR=0.0.0.0:0\nBACKUP_CATCH_UP=false\n")
	if !strings.HasPrefix(s.url, "http://0.0.0.0:") && !strings.HasPrefix(s.url, "http://[::]:") {
		t.Errorf("serve listens on %s, want every address", s.url)
	}
}

// TestSIGTERMInterruptsARunningBackup: a backup going on when serve gets
// SIGTERM (SERVE_SHUTDOWN_WAIT 0) is cancelled, recorded as interrupted,
// and serve exits cleanly.
func TestSIGTERMInterruptsARunningBackup(t *testing.T) {
	// A database server that accepts and never answers, and a good run
	// three days old: the catch-up run that serve starts at once hangs
	// connecting until it is cancelled.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
	}()
	stateDir := t.TempDir()
	store, err := state.Open(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now().Add(-72 * time.Hour)
	id, err := store.Begin(context.Background(), "default", started)
	if err == nil {
		err = store.Finish(context.Background(), id, &dbbackup.Outcome{Report: &dbbackup.Report{Started: started, Finished: started.Add(time.Minute)}})
	}
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := serve(t, stateDir, "BACKUP_DIR="+t.TempDir()+"\nSERVE_ADDR=127.0.0.1:0\nEMAIL_ON=never\n"+
		"DATABASE_URL=postgres://backup@"+ln.Addr().String()+"/shop?connect_timeout=0\n")
	select {
	case c := <-accepted: // the run is under way
		defer c.Close()
	case <-s.done:
		t.Fatalf("serve ended before the catch-up run connected: %v\n%s", s.err, s.log)
	case <-time.After(time.Minute):
		t.Fatalf("the catch-up run did not connect in a minute\n%s", s.log)
	}
	if err := s.end(); err != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", err, s.log)
	}
	if store, err = state.Open(stateDir); err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, err := store.Runs(context.Background(), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Status != state.StatusInterrupted {
		t.Errorf("history after SIGTERM during a run: %+v, want the catch-up run interrupted\n%s", runs, s.log)
	}
}
