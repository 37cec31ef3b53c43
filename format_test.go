package dbbackup_test

import (
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// Every file a run names is listed back as its format, with the MIME type
// Drive shows it as.
func TestEveryFormatsFileNamesParseBack(t *testing.T) {
	tests := []struct {
		format dbbackup.Format
		tables int
		suffix string
		mime   string
	}{
		{dbbackup.FormatCSV, 1, ".csv", "text/csv"},
		{dbbackup.FormatCSV, 0, ".csv.zip", "application/zip"},
		{dbbackup.FormatCSV, 3, ".csv.zip", "application/zip"},
		{dbbackup.FormatXLSX, 1, ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{dbbackup.FormatXLSX, 2, ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{dbbackup.FormatJSON, 2, ".json", "application/json"},
		{dbbackup.FormatDump, 2, ".dump", "application/octet-stream"},
		{dbbackup.FormatSchema, 2, ".schema.sql", "application/sql"},
		{dbbackup.FormatManifest, 0, ".manifest.json", "application/json"},
	}
	for _, tt := range tests {
		suffix := tt.format.Suffix(tt.tables)
		name := "backup_20260210_020000_2" + suffix
		set, format, ok := dbbackup.ParseFileName(name)
		if suffix != tt.suffix || !ok || set != "backup_20260210_020000_2" || format != tt.format {
			t.Errorf("%s of %d tables: suffix %q (want %q), parsed back as %q, %q, %v", tt.format, tt.tables, suffix, tt.suffix, set, format, ok)
		}
		if got := dbbackup.MIMEType(name); got != tt.mime {
			t.Errorf("MIMEType(%q) = %q, want %q", name, got, tt.mime)
		}
	}
	if got := dbbackup.MIMEType("notes.txt"); got != "application/octet-stream" {
		t.Errorf("MIMEType of a name the tool did not make = %q", got)
	}
	if got := dbbackup.ManifestName("backup_20260210_020000"); got != "backup_20260210_020000.manifest.json" {
		t.Errorf("ManifestName = %q", got)
	}
}

// Wiring asks the registry for each format it is given: one it has no
// entry for, the schema or the manifest, is refused by name.
func TestLookupFormat(t *testing.T) {
	for _, f := range dbbackup.Formats {
		i, err := dbbackup.LookupFormat(f)
		if err != nil || i.Format != f || len(i.Files) == 0 {
			t.Errorf("LookupFormat(%s) = %+v, %v", f, i, err)
		}
		if i.PgDump != (f == dbbackup.FormatDump) {
			t.Errorf("%s: PgDump = %v", f, i.PgDump)
		}
	}
	for _, f := range []dbbackup.Format{"parquet", "", dbbackup.FormatSchema, dbbackup.FormatManifest} {
		_, err := dbbackup.LookupFormat(f)
		if err == nil || !strings.Contains(err.Error(), "known: csv, xlsx, json, dump") {
			t.Errorf("LookupFormat(%q) = %v, want an error listing the known formats", f, err)
		}
	}
	for _, s := range []string{"manifest", "schema"} {
		if _, err := dbbackup.ParseFormat(s); err == nil {
			t.Errorf("ParseFormat accepts %s as a format to export", s)
		}
	}
	if f, err := dbbackup.ParseFormat(" XLSX "); f != dbbackup.FormatXLSX || err != nil {
		t.Errorf("ParseFormat(XLSX) = %q, %v", f, err)
	}
}
