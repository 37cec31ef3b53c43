package web

import (
	"fmt"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/app"
)

// waitingAfter is how long the read of a table may give no row before the
// progress says the run waits on the database for it.
const waitingAfter = 2 * time.Second

// doing says in words what the run l, going on, does at now: the stage,
// and in the export the table being read, or waited on. A read that gives
// no row for a while is waiting for the database: most often for a lock
// another session holds on the table.
func doing(l app.Live, now time.Time) string {
	if l.Cancelled {
		return "stopping: cancelled by " + l.CancelledBy
	}
	switch l.Stage {
	case "":
		return "starting"
	case dbbackup.StageConfig:
		return "reading the settings"
	case dbbackup.StageLock:
		return "waiting for the lock of the job"
	case dbbackup.StageCheck:
		return "checking the destination and the staging folder"
	case dbbackup.StageConnect:
		return "connecting to the database and taking a snapshot"
	case dbbackup.StageExport:
		switch {
		case l.Table == "" && l.Format == string(dbbackup.FormatDump):
			return "pg_dump writes the dump"
		case l.Table == "" && l.Format != "":
			return "writing the " + l.Format + " file"
		case l.Table == "":
			return "exporting"
		case l.Rows == 0 && l.Bytes == 0 && now.Sub(l.TableBegun) >= waitingAfter:
			return fmt.Sprintf("waiting for the database to give table %s (nothing for %s: another session may hold a lock on it)",
				l.Table, now.Sub(l.TableBegun).Round(time.Second))
		case l.Rows == 0 && l.Bytes == 0:
			return fmt.Sprintf("reading table %s for %s", l.Table, l.Format)
		case l.Rows == 0:
			return fmt.Sprintf("exporting table %s to %s: %s so far", l.Table, l.Format, dbbackup.HumanSize(l.Bytes))
		}
		rows := "rows"
		if l.Rows == 1 {
			rows = "row"
		}
		return fmt.Sprintf("exporting table %s to %s: %s %s so far", l.Table, l.Format, dbbackup.HumanCount(l.Rows), rows)
	case dbbackup.StageStore:
		return "storing the files"
	case dbbackup.StageVerify:
		return "verifying what was stored"
	case dbbackup.StageRestoreTest:
		return "restore test: restoring the set into a throwaway database and comparing every table"
	}
	return string(l.Stage)
}
