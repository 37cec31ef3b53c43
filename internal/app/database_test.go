package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/postgres"
)

// TestAConnectionTheRunEndedIsNotTheServers: a run whose BACKUP_TIMEOUT
// ends, or that is interrupted, while it still connects is advised as a
// timeout or an interruption, not sent to check DATABASE_URL.
func TestAConnectionTheRunEndedIsNotTheServers(t *testing.T) {
	pg, err := postgres.New("postgres://postgres@10.255.255.1:5432/shop?connect_timeout=30", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	db := hintedDB{pg, &config.Config{}}
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	interrupted, stop := context.WithCancel(context.Background())
	stop()
	for ctx, want := range map[context.Context]string{expired: "raise BACKUP_TIMEOUT", interrupted: "interrupted"} {
		_, err := db.Snapshot(ctx)
		if hint := dbbackup.Explain(err).Hint; err == nil || !strings.Contains(hint, want) {
			t.Errorf("%v: advised %q, want %q", err, hint, want)
		}
	}
}
