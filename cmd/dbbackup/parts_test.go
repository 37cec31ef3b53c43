package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestTheManifestMapsEveryEntryAndSheetToItsTable: tables whose safe
// names collide get "schema.table (2).csv" entries and "name~2" sheets;
// the manifest says which table each holds, so no one loads one table's
// rows into another by the name.
func TestTheManifestMapsEveryEntryAndSheetToItsTable(t *testing.T) {
	url := pgtest.NewDatabase(t, `CREATE TABLE "sl/ash" (v int); INSERT INTO "sl/ash" VALUES (1);
CREATE TABLE sl_ash (v int); INSERT INTO sl_ash VALUES (2), (2);
CREATE TABLE "Sl_ash" (v int); INSERT INTO "Sl_ash" VALUES (3), (3), (3);`)
	dir := t.TempDir()
	if res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv,xlsx"}, "run"); res.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	data, err := os.ReadFile(only(t, dir, ".manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m dbbackup.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Files {
		if f.Format != dbbackup.FormatCSV && f.Format != dbbackup.FormatXLSX {
			continue
		}
		var got []string
		for _, p := range f.Parts {
			got = append(got, p.Schema+"."+p.Table)
		}
		sort.Strings(got)
		if strings.Join(got, ",") != "public.Sl_ash,public.sl/ash,public.sl_ash" {
			t.Errorf("%s: parts %+v, want one for each table", f.Name, f.Parts)
		}
		if f.Format != dbbackup.FormatCSV {
			continue
		}
		// Each entry holds the rows of the table the manifest names: the
		// table's own number, once per row.
		zr, err := zip.OpenReader(only(t, dir, ".csv.zip"))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"sl/ash": "v\n1\n", "sl_ash": "v\n2\n2\n", "Sl_ash": "v\n3\n3\n3\n"}
		for _, p := range f.Parts {
			rc, err := zr.Open(p.Name)
			if err != nil {
				t.Fatalf("entry %q: %v", p.Name, err)
			}
			b := make([]byte, 64)
			n, _ := rc.Read(b)
			rc.Close()
			if string(b[:n]) != want[p.Table] {
				t.Errorf("entry %q (table %s) holds %q, want %q", p.Name, p.Table, b[:n], want[p.Table])
			}
		}
		zr.Close()
	}
}
