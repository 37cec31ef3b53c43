package xlsx

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/xuri/excelize/v2"
)

// valueCase is one value written and read back. raw is the cell's stored
// value (excelize's RawCellValue); shown, when set, is what Excel shows
// with the cell's number format; near, when set, is the date serial the
// raw value must be within a microsecond of.
type valueCase struct {
	kind  dbbackup.Kind
	in    string
	typ   excelize.CellType
	raw   string
	shown string
	near  float64
}

const (
	// Numeric cells carry no type attribute (its default is "n"), as Excel
	// and excelize write them; so excelize reports them as unset.
	num = excelize.CellTypeUnset
	str = excelize.CellTypeInlineString
	boo = excelize.CellTypeBool
)

// at returns the date serial of a time of day on 2026-02-10 (46063).
func at(h, m int, s float64) float64 { return 46063 + (float64(h*3600+m*60)+s)/86400 }

// text is a case whose value comes back as a text cell with the same text.
func text(kind dbbackup.Kind, in string) valueCase {
	return valueCase{kind: kind, in: in, typ: str, raw: in}
}

// number is a case whose value comes back as a number stored as printed.
func number(kind dbbackup.Kind, in string) valueCase {
	return valueCase{kind: kind, in: in, typ: num, raw: in}
}

var valueCases = []valueCase{
	number(dbbackup.KindInt, "42"),
	number(dbbackup.KindInt, "-2147483648"),
	number(dbbackup.KindInt, "9007199254740992"),  // 2^53: still exact
	number(dbbackup.KindInt, "-9007199254740992"), // and its negative
	text(dbbackup.KindInt, "9007199254740993"),
	text(dbbackup.KindInt, "9223372036854775807"),
	text(dbbackup.KindInt, "-9223372036854775808"),

	number(dbbackup.KindFloat, "1.5"),
	number(dbbackup.KindFloat, "1e+100"),
	number(dbbackup.KindFloat, "-0"),
	number(dbbackup.KindFloat, "0.30000000000000004"),
	number(dbbackup.KindFloat, "1.2345678901234567e-05"),
	text(dbbackup.KindFloat, "NaN"),
	text(dbbackup.KindFloat, "Infinity"),
	text(dbbackup.KindFloat, "-Infinity"),
	text(dbbackup.KindFloat, "1.7976931348623157e+308"), // beyond Excel's largest
	text(dbbackup.KindFloat, "5e-324"),                  // below Excel's smallest

	number(dbbackup.KindNumeric, "123.4500"),
	number(dbbackup.KindNumeric, "-0.000001"),
	number(dbbackup.KindNumeric, "0.000"),
	number(dbbackup.KindNumeric, "123456789012345"),
	number(dbbackup.KindNumeric, "1000000000000000000000"),
	text(dbbackup.KindNumeric, "1234567890123456"),
	text(dbbackup.KindNumeric, "123456789012345678901234567890.123"),
	text(dbbackup.KindNumeric, "0."+strings.Repeat("0", 400)+"1"),
	text(dbbackup.KindNumeric, "NaN"),
	text(dbbackup.KindNumeric, "Infinity"),
	text(dbbackup.KindNumeric, "-Infinity"),

	{kind: dbbackup.KindBool, in: "t", typ: boo, raw: "1", shown: "TRUE"},
	{kind: dbbackup.KindBool, in: "f", typ: boo, raw: "0", shown: "FALSE"},

	{kind: dbbackup.KindDate, in: "2026-02-10", typ: num, raw: "46063", shown: "2026-02-10"},
	{kind: dbbackup.KindDate, in: "1900-01-01", typ: num, raw: "1", shown: "1900-01-01"},
	{kind: dbbackup.KindDate, in: "1900-02-28", typ: num, raw: "59", shown: "1900-02-28"},
	{kind: dbbackup.KindDate, in: "1900-03-01", typ: num, raw: "61", shown: "1900-03-01"},
	{kind: dbbackup.KindDate, in: "9999-12-31", typ: num, raw: "2958465", shown: "9999-12-31"},
	text(dbbackup.KindDate, "1899-12-31"),
	text(dbbackup.KindDate, "0044-03-15 BC"),
	text(dbbackup.KindDate, "10000-01-01"),
	text(dbbackup.KindDate, "infinity"),
	text(dbbackup.KindDate, "-infinity"),

	{kind: dbbackup.KindTimestamp, in: "2026-02-10 02:00:00", typ: num, shown: "2026-02-10 02:00:00"},
	{kind: dbbackup.KindTimestamp, in: "2026-02-10 23:59:59", typ: num, shown: "2026-02-10 23:59:59"},
	// excelize shows a datetime to the second (Excel shows .123), so
	// fractions are checked on the serial.
	{kind: dbbackup.KindTimestamp, in: "2026-02-10 02:00:00.123456", typ: num, near: at(2, 0, 0.123456)},
	text(dbbackup.KindTimestamp, "0044-03-15 12:00:00 BC"),
	text(dbbackup.KindTimestamp, "infinity"),

	{kind: dbbackup.KindTimestampTZ, in: "2026-02-10 02:00:00+03", typ: num, shown: "2026-02-10 02:00:00"},
	{kind: dbbackup.KindTimestampTZ, in: "2026-02-10 02:00:00.5+05:30", typ: num, near: at(2, 0, 0.5)},
	text(dbbackup.KindTimestampTZ, "1890-01-01 00:00:00+02:30:17"),
	text(dbbackup.KindTimestampTZ, "10000-01-01 00:00:00+00"),
	text(dbbackup.KindTimestampTZ, "-infinity"),

	{kind: dbbackup.KindTime, in: "13:45:00", typ: num, shown: "13:45:00"},
	{kind: dbbackup.KindTime, in: "13:45:00.25", typ: num, shown: "13:45:00.250"},
	{kind: dbbackup.KindTime, in: "00:00:00", typ: num, raw: "0", shown: "00:00:00"},
	text(dbbackup.KindTime, "24:00:00"),

	text(dbbackup.KindTimeTZ, "13:45:00+03"),
	text(dbbackup.KindInterval, "1 year 2 mons 3 days 04:05:06.5"),
	text(dbbackup.KindUUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
	text(dbbackup.KindJSON, `{"a": [1, "x,y"], "b": null}`),
	text(dbbackup.KindBytea, `\x00ff`),
	text(dbbackup.KindArray, `{1,2,"a,b",NULL}`),
	text(dbbackup.KindText, "happy"), // an enum
	text(dbbackup.KindText, "=1+1"),
	text(dbbackup.KindText, "=HYPERLINK(\"http://x\")"),
	text(dbbackup.KindText, "@SUM(A1)"),
	text(dbbackup.KindText, ""), // an empty string, not NULL
}

// TestExportValues writes each case in a column of its own, on one row,
// and reads every cell back.
func TestExportValues(t *testing.T) {
	cols := make([]dbbackup.Column, len(valueCases)+1)
	values := make([]any, len(valueCases)+1)
	for i, c := range valueCases {
		cols[i] = col(fmt.Sprintf("c%03d", i), c.kind)
		values[i] = c.in
	}
	cols[len(valueCases)] = col("null", dbbackup.KindInt) // and a NULL
	src := newFakeSource()
	tb := src.add(table("v", cols...), row(values...))
	path, _ := export(t, &Exporter{}, src, tb)
	f := open(t, path)
	for i, c := range valueCases {
		cell := columnName(i) + "2"
		checkCell(t, f, "v", cell, c)
	}
	// NULL is no cell at all, where an empty string is an empty text cell.
	if ref := columnName(len(valueCases)) + "2"; strings.Contains(sheetXML(t, path, 1), `r="`+ref+`"`) {
		t.Errorf("NULL written as cell %s", ref)
	}
}

func checkCell(t *testing.T, f *excelize.File, sheet, cell string, c valueCase) {
	t.Helper()
	typ, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	shown, err := f.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	formula, err := f.GetCellFormula(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	ok := typ == c.typ && (raw != "" || c.in == "")
	ok = ok && (c.raw == "" || raw == c.raw) && (c.shown == "" || shown == c.shown) && formula == ""
	if c.near != 0 {
		v, err := strconv.ParseFloat(raw, 64)
		ok = ok && err == nil && math.Abs(v-c.near)*86400 < 1e-6
	}
	if !ok {
		t.Errorf("%s %s %q: read back type %v, raw %q, shown %q, formula %q; want type %v, raw %q, shown %q, near %v",
			cell, c.kind, c.in, typ, raw, shown, formula, c.typ, c.raw, c.shown, c.near)
	}
}
