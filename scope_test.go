package dbbackup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestScopeSelect(t *testing.T) {
	all := []dbbackup.Table{
		{Schema: "public", Name: "orders"}, {Schema: "public", Name: "order_lines"},
		{Schema: "public", Name: "a.b"}, {Schema: "Sales", Name: "Q1"}, {Schema: "audit", Name: "log"},
	}
	tests := []struct {
		scope   dbbackup.Scope
		want    string
		wantVar string
	}{
		{dbbackup.Scope{}, "public.orders public.order_lines public.a.b Sales.Q1 audit.log", ""},
		{dbbackup.Scope{Schemas: []string{"public"}}, "public.orders public.order_lines public.a.b", ""},
		{dbbackup.Scope{Tables: []string{"public.order*"}}, "public.orders public.order_lines", ""},
		{dbbackup.Scope{Tables: []string{"*.Q1", "public.a.b"}}, "public.a.b Sales.Q1", ""},
		{dbbackup.Scope{Exclude: []string{"audit.*", "public.*s"}}, "public.a.b Sales.Q1", ""},
		{dbbackup.Scope{Schemas: []string{"sales"}}, "", "BACKUP_SCHEMAS"}, // case-sensitive
		{dbbackup.Scope{Tables: []string{"public.missing"}}, "", "BACKUP_TABLES"},
		{dbbackup.Scope{Exclude: []string{"public.gone"}}, "", "BACKUP_EXCLUDE_TABLES"},
		{dbbackup.Scope{Exclude: []string{"*"}}, "", "BACKUP_EXCLUDE_TABLES"},
	}
	for _, tt := range tests {
		got, err := tt.scope.Select(all)
		var ce *dbbackup.ConfigError
		switch {
		case tt.wantVar != "":
			if !errors.As(err, &ce) || ce.Var != tt.wantVar {
				t.Errorf("%+v: got %v, want an error naming %s", tt.scope, err, tt.wantVar)
			}
		case err != nil:
			t.Errorf("%+v: %v", tt.scope, err)
		default:
			var names []string
			for _, t := range got {
				names = append(names, t.String())
			}
			if strings.Join(names, " ") != tt.want {
				t.Errorf("%+v: got %v, want %s", tt.scope, names, tt.want)
			}
		}
	}
}

func TestAnEmptyDatabaseIsInScope(t *testing.T) {
	if got, err := (dbbackup.Scope{}).Select(nil); err != nil || len(got) != 0 {
		t.Fatalf("an empty database: %v %v", got, err)
	}
}

func TestParseFileName(t *testing.T) {
	tests := []struct {
		name, set string
		format    dbbackup.Format
	}{
		{"backup_20260210_020000.csv", "backup_20260210_020000", dbbackup.FormatCSV},
		{"backup_20260210_020000.csv.zip", "backup_20260210_020000", dbbackup.FormatCSV},
		{"backup_20260210_020000_2.xlsx", "backup_20260210_020000_2", dbbackup.FormatXLSX},
		{"backup_20260210_020000.manifest.json", "backup_20260210_020000", dbbackup.FormatManifest},
		{"backup_20260210_020000.dump", "backup_20260210_020000", dbbackup.FormatDump},
		// Any job's prefix, "_" in it too: the time stamp is found from the end.
		{"crm_20260210_020000.csv", "crm_20260210_020000", dbbackup.FormatCSV},
		{"Nightly-2_20260210_020000_3.json", "Nightly-2_20260210_020000_3", dbbackup.FormatJSON},
		{"shop_eu_20260210_020000.manifest.json", "shop_eu_20260210_020000", dbbackup.FormatManifest},
		{"a_20260209_010000_20260210_020000.dump", "a_20260209_010000_20260210_020000", dbbackup.FormatDump},
		{strings.Repeat("p", 40) + "_20260210_020000.csv", strings.Repeat("p", 40) + "_20260210_020000", dbbackup.FormatCSV},
		{strings.Repeat("p", 41) + "_20260210_020000.csv", "", ""}, // prefix too long
		{"_20260210_020000.csv", "", ""}, // no prefix
		{"-x_20260210_020000.csv", "", ""},
		{"crm 2_20260210_020000.csv", "", ""},
		{"backup_20261310_020000.csv", "", ""}, // month 13
		{"backup_20260210_020000.txt", "", ""},
		{"backup_20260210_020000x.csv", "", ""},
		{"notes.csv", "", ""},
	}
	for _, tt := range tests {
		set, format, ok := dbbackup.ParseFileName(tt.name)
		if set != tt.set || format != tt.format || ok != (tt.set != "") {
			t.Errorf("ParseFileName(%q) = %q, %q, %v", tt.name, set, format, ok)
		}
	}
}
