package web

import (
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
)

// TestTheProgressSaysWhatTheRunWaitsFor: a run that waits (for the
// database to answer, for a table another session locked) says so in
// words, never the last table it read.
func TestTheProgressSaysWhatTheRunWaitsFor(t *testing.T) {
	now := time.Date(2025, 6, 1, 2, 0, 30, 0, time.UTC)
	for _, c := range []struct {
		live app.Live
		want string
	}{
		{app.Live{}, "starting"},
		{app.Live{Stage: dbbackup.StageConnect}, "connecting to the database and taking a snapshot"},
		{app.Live{Stage: dbbackup.StageExport, Table: "public.orders", Format: "csv", TableBegun: now.Add(-time.Second)},
			"reading table public.orders for csv"},
		{app.Live{Stage: dbbackup.StageExport, Table: "public.orders", Format: "csv", TableBegun: now.Add(-12 * time.Second)},
			"waiting for the database to give table public.orders (nothing for 12s: another session may hold a lock on it)"},
		{app.Live{Stage: dbbackup.StageExport, Table: "public.orders", Format: "json", Rows: 1, TableBegun: now.Add(-12 * time.Second)},
			"exporting table public.orders to json: 1 row so far"},
		{app.Live{Stage: dbbackup.StageExport, Table: "public.orders", Format: "csv", Bytes: 2048, TableBegun: now.Add(-12 * time.Second)},
			"exporting table public.orders to csv: 2.0 KiB so far"},
		{app.Live{Stage: dbbackup.StageExport}, "exporting"},
		{app.Live{Stage: dbbackup.StageExport, Format: "dump"}, "pg_dump writes the dump"},
		{app.Live{Stage: dbbackup.StageExport, Format: "xlsx"}, "writing the xlsx file"},
		{app.Live{Stage: dbbackup.StageStore}, "storing the files"},
		{app.Live{Stage: dbbackup.StageExport, Table: "public.orders", Cancelled: true, CancelledBy: "alice"}, "stopping: cancelled by alice"},
	} {
		if got := doing(c.live, now); got != c.want {
			t.Errorf("%+v:\n got %q\nwant %q", c.live, got, c.want)
		}
	}
}
