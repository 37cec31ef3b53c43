package xlsx

import (
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestTableNames(t *testing.T) {
	long1 := "customer_order_line_items_archive_2023_q1" // 41 characters
	long2 := "customer_order_line_items_archive_2023_q2"
	tables := []dbbackup.Table{
		{Schema: "public", Name: "users"},
		{Schema: "audit", Name: "users"},
		{Schema: "public", Name: "Orders"},
		{Schema: "sales", Name: "orders"},
		{Schema: "public", Name: "Items"},
		{Schema: "public", Name: long1},
		{Schema: "public", Name: long2},
		{Schema: "public", Name: "a/b:c*d?e[f]g\\h"},
		{Schema: "public", Name: "'quoted'"},
		{Schema: "public", Name: "History"},
		{Schema: "public", Name: "таблица_с_очень_длинным_русским_именем"},
		{Schema: "public", Name: strings.Repeat("😀", 20)},
		{Schema: "public", Name: "tab\there"},
	}
	want := []string{
		"public.users",
		"audit.users",
		"public.Orders",
		"sales.orders",
		"Items",
		"customer_order_line_items_archi",
		"customer_order_line_items_arc~2",
		"a_b_c_d_e_f_g_h",
		"_quoted_",
		"History~2",
		"таблица_с_очень_длинным_русским",
		strings.Repeat("😀", 15),
		"tab_here",
	}
	// The same name in two cases is one name to Excel.
	got := newSheetNamer().tableNames(tables)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("table %s: sheet %q, want %q", tables[i], got[i], want[i])
		}
	}
	caseOnly := newSheetNamer().tableNames([]dbbackup.Table{
		{Schema: "public", Name: "Data"}, {Schema: "public", Name: "data"}, {Schema: "public", Name: "DATA"},
	})
	if strings.Join(caseOnly, ",") != "public.Data,public.data~2,public.DATA~3" {
		t.Errorf("names differing by case: %q", caseOnly)
	}
}

func TestContinuationNames(t *testing.T) {
	n := newSheetNamer()
	names := n.tableNames([]dbbackup.Table{
		{Schema: "public", Name: "events"},
		{Schema: "public", Name: "events (2)"}, // a real table with that name
		{Schema: "public", Name: "customer_order_line_items_archive_2023_q1"},
	})
	for _, tc := range []struct {
		base string
		part int
		want string
	}{
		{names[0], 2, "events (2)~2"},
		{names[0], 3, "events (3)"},
		{names[2], 2, "customer_order_line_items_a (2)"},
		{names[2], 10, "customer_order_line_items_ (10)"},
	} {
		if got := n.continuation(tc.base, tc.part); got != tc.want {
			t.Errorf("continuation(%q, %d) = %q, want %q", tc.base, tc.part, got, tc.want)
		}
	}
}

// TestExportSheetNames checks that excelize, which applies Excel's rules,
// reads the names back.
func TestExportSheetNames(t *testing.T) {
	src := newFakeSource()
	var tables []dbbackup.Table
	for _, tb := range []dbbackup.Table{
		{Schema: "public", Name: "customer_order_line_items_archive_2023_q1"},
		{Schema: "public", Name: "customer_order_line_items_archive_2023_q2"},
		{Schema: "public", Name: "Data"},
		{Schema: "public", Name: "data"},
		{Schema: "public", Name: "it's & <odd>"},
	} {
		tb.Columns = []dbbackup.Column{col("id", dbbackup.KindInt)}
		tables = append(tables, src.add(tb, row("1")))
	}
	path, _ := export(t, &Exporter{}, src, tables...)
	f := open(t, path)
	want := "customer_order_line_items_archi,customer_order_line_items_arc~2,public.Data,public.data~2,it's & <odd>"
	if got := strings.Join(f.GetSheetList(), ","); got != want {
		t.Errorf("sheets = %s, want %s", got, want)
	}
	for _, name := range f.GetSheetList() {
		if v, err := f.GetCellValue(name, "A2"); err != nil || v != "1" {
			t.Errorf("sheet %q: A2 = %q, %v", name, v, err)
		}
	}
}
