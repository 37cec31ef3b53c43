package main

import (
	"context"
	"testing"

	rowsum "github.com/dbbackup/dbbackup/internal/fingerprint"
	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/dbbackup/dbbackup/internal/pgtext"
	"github.com/jackc/pgx/v5"
)

// The manifest of a run carries a fingerprint of every table: that of the
// server's own COPY … (FORMAT csv) text of the table, printed in the
// manifest's time zone, whether the csv took it as it was written (the
// default formats), json took it from the rows it read, or it was read
// beside pg_dump.
func TestTheManifestFingerprintsEveryTable(t *testing.T) {
	url := pgtest.NewDatabase(t, pgtest.Testdata(t, "types.sql"))
	for _, formats := range []string{"csv,xlsx,json", "json", "xlsx,json", "dump"} {
		t.Run(formats, func(t *testing.T) { manifestFingerprintsEveryTable(t, url, formats) })
	}
}

func manifestFingerprintsEveryTable(t *testing.T, url, formats string) {
	dir := t.TempDir()
	res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "PGTZ": "Asia/Kathmandu", "BACKUP_FORMATS": formats}, "run")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	m := readManifestFile(t, only(t, dir, ".manifest.json"))
	if m.TimeZone != "Asia/Kathmandu" || len(m.Tables) < 10 {
		t.Fatalf("manifest time zone %q, tables %+v", m.TimeZone, m.Tables)
	}

	ctx := context.Background()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range pgtext.SessionSettings() {
		cfg.RuntimeParams[k] = v
	}
	cfg.RuntimeParams["TimeZone"] = m.TimeZone
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, tc := range m.Tables {
		ident := pgx.Identifier{tc.Schema, tc.Name}.Sanitize()
		// COPY reads a partitioned table only through a query.
		var partitioned bool
		if err := conn.QueryRow(ctx, "SELECT relkind = 'p' FROM pg_class WHERE oid = $1::regclass", ident).Scan(&partitioned); err != nil {
			t.Fatal(err)
		}
		from := ident
		if partitioned {
			from = "(SELECT * FROM " + ident + ")"
		}
		w := rowsum.NewWriter(true)
		if _, err := conn.PgConn().CopyTo(ctx, w, "COPY "+from+" TO STDOUT WITH (FORMAT csv, HEADER)"); err != nil {
			t.Fatalf("%s: %v", ident, err)
		}
		rows := w.Rows()
		if formats == "dump" {
			rows = -1 // pg_dump counts no rows
		}
		if tc.Fingerprint != w.Sum() || tc.Rows != rows {
			t.Errorf("%s.%s: the manifest says %d rows, fingerprint %q; COPY: %d rows, %s", tc.Schema, tc.Name, tc.Rows, tc.Fingerprint, w.Rows(), w.Sum())
		}
	}
}
