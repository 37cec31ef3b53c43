package app

import (
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// TestAFileStoredWhileOthersAreWrittenKeepsTheExportShown: the schema (or
// a format done first) is stored while the other formats are still
// written; the run is still exporting, and its table stays on show.
func TestAFileStoredWhileOthersAreWrittenKeepsTheExportShown(t *testing.T) {
	now := time.Now()
	l := &Live{Formats: map[string]FormatProgress{}}
	big := dbbackup.Table{Schema: "public", Name: "big"}
	l.hear(dbbackup.Progress{Stage: dbbackup.StageExport}, now)
	l.hear(dbbackup.Progress{Stage: dbbackup.StageExport, Format: dbbackup.FormatCSV, Table: big, Rows: 500}, now)
	l.hear(dbbackup.Progress{Stage: dbbackup.StageStore, File: "backup_x.schema.sql", Bytes: 1500, Done: true}, now)
	if l.Stage != dbbackup.StageExport || l.Table != "public.big" || l.Rows != 500 || l.Files != 1 || l.StoredBytes != 1500 {
		t.Errorf("after a file stored mid-export: stage %s, table %q, %d rows, %d files of %d bytes", l.Stage, l.Table, l.Rows, l.Files, l.StoredBytes)
	}
	l.hear(dbbackup.Progress{Stage: dbbackup.StageExport, Format: dbbackup.FormatCSV, Table: big, Rows: 900, Done: true}, now)
	l.hear(dbbackup.Progress{Stage: dbbackup.StageStore}, now)
	l.hear(dbbackup.Progress{Stage: dbbackup.StageStore, File: "backup_x.csv", Bytes: 100, Done: true}, now)
	if l.Stage != dbbackup.StageStore || l.Table != "" || l.Files != 2 || l.StoredBytes != 1600 {
		t.Errorf("in the store stage: stage %s, table %q, %d files of %d bytes", l.Stage, l.Table, l.Files, l.StoredBytes)
	}
}
