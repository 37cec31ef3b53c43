package dump

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/internal/exporttest"
)

// A run cancelled while pg_dump works stops it at once and says it was
// cancelled. (The contract suite cancels the dump only as it begins:
// pg_dump reads nothing through the Source for it to hook.)
func TestCancelStopsPgDump(t *testing.T) {
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	if err := syscall.Mkfifo(started, 0o600); err != nil {
		t.Fatal(err)
	}
	// A pg_dump that says it has begun, then works until it is killed.
	script := filepath.Join(dir, "pg_dump")
	body := "#!/bin/sh\n" +
		`if [ "$1" = --version ]; then echo "pg_dump (PostgreSQL) 15.20"; exit 0; fi` + "\n" +
		`echo begun > "$STARTED"; exec sleep 600` + "\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	e := &Exporter{PgDump: script, Conn: Conn{Env: []string{"STARTED=" + started}}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		b, _ := os.ReadFile(started) // returns once pg_dump has written and closed it
		if len(b) > 0 {
			cancel()
		}
	}()
	begin := time.Now()
	_, err := e.Export(ctx, exporttest.NewSource(), exporttest.Tables(), filepath.Join(dir, "backup.dump"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Export cancelled while pg_dump ran: %v; want an error that is context.Canceled", err)
	}
	if took := time.Since(begin); took > 30*time.Second {
		t.Errorf("Export took %v to stop", took)
	}
}
