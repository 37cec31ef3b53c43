package config

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

const sheetID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

func TestEnvSyncJobIsOneTabPerTable(t *testing.T) {
	p := writeEnv(t, "SHEETS_SPREADSHEET_ID="+sheetID+"\nSHEETS_TABLES=public.invoice, sales.customer\n")
	s, err := loadSheets(p, true, mapEnv{"SHEETS_MODE": "Append", "SHEETS_KEY": "id", "SHEETS_SCHEDULE": "*/15 * * * *"})
	if err != nil {
		t.Fatal(err)
	}
	j := s.Default
	if j == nil || j.Name != DefaultJob || j.Job != DefaultJob || j.SpreadsheetID != sheetID || j.Mode != "append" ||
		j.Key != "id" || j.Schedule != "*/15 * * * *" || s.WritesPerMinute != DefaultWritesPerMinute {
		t.Fatalf("sync job: %+v %+v", j, s)
	}
	want := []SyncSource{{Table: "public.invoice", Sheet: "invoice"}, {Table: "sales.customer", Sheet: "customer"}}
	if got := j.Sources(); !slices.Equal(got, want) {
		t.Errorf("sources %+v, want %+v", got, want)
	}
}

func TestNoSheetsVariablesNoSyncJob(t *testing.T) {
	s, err := loadSheets(filepath.Join(t.TempDir(), ".env"), false, mapEnv{"SHEETS_WRITES_PER_MINUTE": "30"})
	if err != nil || s.Default != nil || s.WritesPerMinute != 30 {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestSheetsEnvErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		env  mapEnv
		name string // the variable the error names
		says string
	}{
		{mapEnv{"SHEETS_TABLES": "public.a"}, "SHEETS_SPREADSHEET_ID", "is not set, but SHEETS_TABLES is"},
		{mapEnv{"SHEETS_MODE": "append"}, "SHEETS_SPREADSHEET_ID", "is not set, but SHEETS_MODE is"},
		{mapEnv{"SHEETS_SPREADSHEET_ID": sheetID}, "SHEETS_TABLES", "no table or query"},
		{mapEnv{"SHEETS_SPREADSHEET_ID": sheetID, "SHEETS_TABLES": "invoice"}, "SHEETS_TABLES", "not schema-qualified"},
		{mapEnv{"SHEETS_SPREADSHEET_ID": sheetID, "SHEETS_TABLES": "public.a,sales.A"}, "SHEETS_TABLES", `would both write the tab "A"`},
		{mapEnv{"SHEETS_SPREADSHEET_ID": sheetID, "SHEETS_TABLES": "public.a", "SHEETS_MODE": "merge"}, "SHEETS_MODE", `unknown mode "merge"`},
		{mapEnv{"SHEETS_SPREADSHEET_ID": sheetID, "SHEETS_TABLES": "public.a", "SHEETS_MODE": "append"}, "SHEETS_KEY", "append needs a key column"},
		{mapEnv{"SHEETS_SPREADSHEET_ID": sheetID, "SHEETS_TABLES": "public.a", "SHEETS_SCHEDULE": "daily"}, "SHEETS_SCHEDULE", "cron"},
		{mapEnv{"SHEETS_SPREADSHEET_ID": "https://docs.google.com/spreadsheets/d/" + sheetID + "/edit#gid=0", "SHEETS_TABLES": "public.a"},
			"SHEETS_SPREADSHEET_ID", "is an address"},
		{mapEnv{"SHEETS_WRITES_PER_MINUTE": "0"}, "SHEETS_WRITES_PER_MINUTE", "whole number"},
	}
	for _, tt := range tests {
		_, err := loadSheets(filepath.Join(t.TempDir(), ".env"), false, tt.env)
		var ce *dbbackup.ConfigError
		if !errors.As(err, &ce) || ce.Var != tt.name || !strings.Contains(err.Error(), tt.says) || ce.Hint == "" {
			t.Errorf("%v: got %v (%#v), want %s: …%s…", tt.env, err, ce, tt.name, tt.says)
		}
	}
	_, err := loadSheets(filepath.Join(t.TempDir(), ".env"), false, mapEnv{"SHEETS_SPREADSHEET_ID": "https://docs.google.com/spreadsheets/d/" + sheetID + "/edit",
		"SHEETS_TABLES": "public.a"})
	if hint := dbbackup.Explain(err).Hint; hint != "use the id alone: "+sheetID {
		t.Errorf("an address's hint: %q", hint)
	}
}

func TestStoredSyncJobReportsEveryProblem(t *testing.T) {
	_, err := ParseSyncJob("orders", map[string]string{"SHEETS_TABLE": "public.orders", "SHEETS_QUERY": "SELECT 1",
		"SHEETS_MODE": "append", "SHEETS_JOB": "Shop!", "SHEETS_COLOR": "red"})
	var p Problems
	if !errors.As(err, &p) {
		t.Fatalf("got %v, want Problems", err)
	}
	var vars []string
	for _, ce := range p {
		vars = append(vars, ce.Var)
	}
	want := []string{"SHEETS_COLOR", "SHEETS_SPREADSHEET_ID", "SHEETS_QUERY", "SHEETS_KEY", "SHEETS_JOB"}
	if !slices.Equal(vars, want) {
		t.Errorf("problems name %v, want %v: %v", vars, want, err)
	}
	if dbbackup.Explain(err).Code != dbbackup.ExitConfig {
		t.Errorf("exit code %d", dbbackup.Explain(err).Code)
	}
}

func TestStoredSyncJobOfAQuery(t *testing.T) {
	values := map[string]string{"SHEETS_SPREADSHEET_ID": sheetID, "SHEETS_QUERY": "SELECT 1", "SHEETS_JOB": "shop"}
	if _, err := ParseSyncJob("report", values); err == nil || !strings.Contains(err.Error(), "SHEETS_SHEET: a query needs the tab") {
		t.Errorf("a query without a tab: %v", err)
	}
	values["SHEETS_SHEET"] = "Report"
	j, err := ParseSyncJob("report", values)
	if err != nil || j.Job != "shop" || j.Mode != "replace" || !slices.Equal(j.Sources(), []SyncSource{{Query: "SELECT 1", Sheet: "Report"}}) {
		t.Fatalf("%+v %v", j, err)
	}
	for _, name := range []string{"default", "Orders", ""} {
		if err := CheckSyncName(name); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
}

func TestMisspeltSheetsVariableIsWarnedAbout(t *testing.T) {
	p := writeEnv(t, "SHEETS_TABLE=public.a\nSHEETS_TABLES=public.b\nSHEETS_SPREADSHEET_ID="+sheetID+"\n")
	c, err := load(p, true, mapEnv{}, DefaultJob)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "SHEETS_TABLE (in "+p+") is not a dbbackup setting and is ignored: did you mean SHEETS_TABLES?") {
		t.Errorf("warnings: %q", c.Warnings)
	}
}
