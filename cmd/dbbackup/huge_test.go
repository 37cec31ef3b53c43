package main

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"
)

// hugeMB is the size of the huge text and the huge bytea: big enough that
// holding either in memory, even once, would pass the limit below.
const hugeMB = 48

// TestHugeValuesInFlatMemory backs up a row holding a 48 MB text and a
// 48 MB bytea in csv, json and xlsx: the program's peak RSS stays under
// 100 MiB, and the files hold the values exactly (xlsx the first 32,767
// characters, reported as cut), compared by SHA-256 with the server's.
func TestHugeValuesInFlatMemory(t *testing.T) {
	url := pgtest.NewDatabase(t, fmt.Sprintf(`
CREATE TABLE huge (id int, t text, b bytea, note text, j jsonb, a text[]);
INSERT INTO huge VALUES (1, rpad('', %[1]d, E'Имя, "клиент"\n№1; tab\t'), decode(rpad('', %[1]d * 2, '00ff7f8022'), 'hex'), 'after', NULL, NULL),
  (2, 'small', '\x00', NULL, jsonb_build_object('k', rpad('', 2000000, E'я"\n')), ARRAY[rpad('', 2000000, 'a,"b'), NULL]);`, hugeMB*1000*1000*2/3))
	dir := t.TempDir()
	env := []string{"DATABASE_URL=" + url, "BACKUP_DIR=" + dir, "STATE_DIR=" + t.TempDir(),
		"BACKUP_FORMATS=csv,json,xlsx", "LOG_LEVEL=warn", "TMPDIR=" + t.TempDir()}
	out, rss := runMeasured(t, env, "run", "--env-file", filepath.Join(dir, "none.env"))
	t.Logf("peak RSS %d MiB", rss>>20)
	limit := int64(100 << 20)
	if raceEnabled {
		limit *= 2 // the race detector's shadow memory (85 MiB measured with it, 32 MiB without)
	}
	if rss > limit {
		t.Errorf("peak RSS %d MiB, want under %d MiB whatever a value's size", rss>>20, limit>>20)
	}
	if !strings.Contains(out, `column "t": 1 cell cut to 32767 characters`) {
		t.Errorf("the xlsx cut is not reported:\n%s", out)
	}

	var want struct{ t, b, cell, j, a string }
	db, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(t.Context())
	err = db.QueryRow(t.Context(), `SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex'), encode(sha256(b), 'hex'),
		encode(sha256(convert_to(left(t, 32767), 'UTF8')), 'hex'),
		(SELECT encode(sha256(convert_to(j::text, 'UTF8')), 'hex') || ' ' || encode(sha256(convert_to(to_json(a)::text, 'UTF8')), 'hex') FROM huge WHERE id = 2)
		FROM huge WHERE id = 1`).Scan(&want.t, &want.b, &want.cell, &want.j)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

	f, err := os.Open(only(t, dir, ".csv"))
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := hex.DecodeString(strings.TrimPrefix(records[1][2], `\x`))
	if len(records) != 3 || err != nil || records[1][3] != "after" {
		t.Fatalf("csv: %d records, bytea %v, last field %.20q", len(records), err, records[1][3])
	}
	if got := sum([]byte(records[1][1])); got != want.t {
		t.Errorf("csv text: sha256 %s, the server's %s", got, want.t)
	}
	if got := sum(raw); got != want.b {
		t.Errorf("csv bytea: sha256 %s, the server's %s", got, want.b)
	}

	var doc struct {
		Tables []struct {
			Rows []struct {
				T    string
				B    []byte // encoding/json decodes base64
				Note *string
				J, A json.RawMessage
			}
		}
	}
	data, err := os.ReadFile(only(t, dir, ".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("json: %v", err)
	}
	if len(doc.Tables) != 1 || len(doc.Tables[0].Rows) != 2 || doc.Tables[0].Rows[0].Note == nil {
		t.Fatalf("json: unexpected document shape")
	}
	r := doc.Tables[0].Rows[0]
	if got := sum([]byte(r.T)); got != want.t {
		t.Errorf("json text: sha256 %s, the server's %s", got, want.t)
	}
	if got := sum(r.B); got != want.b {
		t.Errorf("json bytea: sha256 %s, the server's %s", got, want.b)
	}
	if r := doc.Tables[0].Rows[1]; sum(r.J)+" "+sum(r.A) != want.j {
		t.Errorf("json jsonb and array: sha256 %s %s, the server's %s", sum(r.J), sum(r.A), want.j)
	}

	x, err := excelize.OpenFile(only(t, dir, ".xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	cell, err := x.GetCellValue(x.GetSheetName(0), "B2")
	if err != nil {
		t.Fatal(err)
	}
	if got := sum([]byte(cell)); got != want.cell {
		t.Errorf("xlsx text: sha256 %s of %d characters, the server's first 32767 %s", got, len([]rune(cell)), want.cell)
	}
}

// runMeasured runs the program as a process of its own and returns its
// output and peak RSS. A process in between starts it: Linux carries
// ru_maxrss over exec, so a child of the test process would report the
// test process's own peak.
func runMeasured(t *testing.T, env []string, args ...string) (string, int64) {
	t.Helper()
	os.WriteFile(filepath.Join(strings.TrimPrefix(env[1], "BACKUP_DIR="), "none.env"), nil, 0o600)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "DBBACKUP_TEST_MEASURE=1"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	i := strings.LastIndex(string(out), "\npeak-rss ")
	var rss int64
	if i < 0 {
		t.Fatalf("no peak RSS in the output:\n%s", out)
	}
	fmt.Sscan(string(out[i+len("\npeak-rss "):]), &rss)
	return string(out[:i]), rss
}

// measureMain runs the program as a child and prints its peak RSS: see
// runMeasured.
func measureMain() int {
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	cmd.Env = append(os.Environ(), "DBBACKUP_TEST_MAIN=1", "DBBACKUP_TEST_MEASURE=")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Println(err)
		return 1
	}
	fmt.Printf("\npeak-rss %d\n", cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss<<10)
	return cmd.ProcessState.ExitCode()
}
