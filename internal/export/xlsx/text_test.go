package xlsx

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
)

var roundTripTexts = []string{
	"plain",
	"comma, separated, values",
	`"quoted" and 'single'`,
	"line one\nline two\r\nline three\rend",
	"tab\there",
	"  leading and trailing spaces  ",
	"\ttab first",
	"newline last\n",
	"Привет, мир! Ёлка",
	"emoji 😀👍🏽 and 𝄞",
	"=1+1",
	"=cmd|' /C calc'!A0",
	"+1", "-1", "@x",
	"<tag attr=\"v\">&amp; &lt;</tag>",
	"]]> <![CDATA[ x ]]>",
	"control \x00\x01\x02\x07\x08\x0b\x0c\x0e\x1b\x1f chars",
	"\x00",
	"U+FFFE \uFFFE and U+FFFF \uFFFF",
	"_x0041_ looks escaped",
	"_x005F_ and _x005f_x0041_",
	"_x00_ _xZZZZ_ _x _ x_ __x0041__",
	"ends with _x0041",
	"\u00a0non-breaking\u00a0",
}

func TestExportTextRoundTrip(t *testing.T) {
	src := newFakeSource()
	rows := make([][][]byte, len(roundTripTexts))
	for i, s := range roundTripTexts {
		rows[i] = row(s, s)
	}
	tb := src.add(table("texts", col("text", dbbackup.KindText), col("json", dbbackup.KindJSON)), rows...)
	path, res := export(t, &Exporter{}, src, tb)
	if len(res.Warnings) != 0 {
		t.Errorf("Warnings = %q", res.Warnings)
	}
	f := open(t, path)
	for i, want := range roundTripTexts {
		for _, c := range []string{"A", "B"} {
			checkCell(t, f, "texts", c+strconv.Itoa(i+2), valueCase{kind: dbbackup.KindText, in: want, typ: str, raw: want})
		}
	}
}

func TestExportInvalidUTF8(t *testing.T) {
	src := newFakeSource()
	tb := src.add(table("bad", col("t", dbbackup.KindText)), row("ok \xff\xfe end"), row("fine"), row("\xc3"))
	path, res := export(t, &Exporter{}, src, tb)
	f := open(t, path)
	for cell, want := range map[string]string{"A2": "ok \uFFFD\uFFFD end", "A3": "fine", "A4": "\uFFFD"} {
		if got, _ := f.GetCellValue("bad", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	want := `xlsx: public.bad column "t": 2 cells held bytes that are not UTF-8, written as U+FFFD`
	if len(res.Warnings) != 1 || res.Warnings[0] != want {
		t.Errorf("Warnings = %q, want %q", res.Warnings, want)
	}
}

func TestExportCutsLongCells(t *testing.T) {
	long := strings.Repeat("я", maxCellChars+5000)
	exact := strings.Repeat("b", maxCellChars)
	emoji := "a" + strings.Repeat("😀", maxCellChars) // 2 code units each
	src := newFakeSource()
	tb := src.add(table("docs", col("id", dbbackup.KindInt), col("body", dbbackup.KindText), col("hex", dbbackup.KindBytea)),
		row("1", long, exact),
		row("2", exact, nil),
		row("3", emoji, long+"\x01"),
		row("4", long, "short"),
	)
	path, res := export(t, &Exporter{}, src, tb)
	want := []string{
		`xlsx: public.docs column "body": 3 cells cut to 32767 characters (Excel's limit)`,
		`xlsx: public.docs column "hex": 1 cell cut to 32767 characters (Excel's limit)`,
	}
	if strings.Join(res.Warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("Warnings =\n%s\nwant\n%s", strings.Join(res.Warnings, "\n"), strings.Join(want, "\n"))
	}
	f := open(t, path)
	cut := strings.Repeat("я", maxCellChars)
	for cell, want := range map[string]string{
		"B2": cut, "C2": exact, "B3": exact, "B4": "a" + strings.Repeat("😀", (maxCellChars-1)/2), "C4": cut, "B5": cut,
	} {
		got, err := f.GetCellValue("docs", cell)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: %d characters (%d UTF-16), want %d", cell, utf8.RuneCountInString(got),
				len(utf16.Encode([]rune(got))), utf8.RuneCountInString(want))
		}
	}
}

func TestAppendText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a<b>&c", "a&lt;b&gt;&amp;c"},
		{"tab\tnl\ncr\r", "tab\tnl\ncr_x000D_"},
		{"\x00\x1f", "_x0000__x001F_"},
		{"_x0041_", "_x005F_x0041_"},
		{"_x004_ _x", "_x004_ _x"},
		{"\uFFFE", "_xFFFE_"},
		{"Ёж 😀", "Ёж 😀"},
	} {
		got, invalid := appendText(nil, []byte(tc.in))
		if string(got) != tc.want || invalid != 0 {
			t.Errorf("appendText(%q) = %q, %d; want %q", tc.in, got, invalid, tc.want)
		}
	}
}

func TestColumnWidths(t *testing.T) {
	src := newFakeSource()
	tb := src.add(table("w", col("id", dbbackup.KindInt), col("a_rather_long_column_name", dbbackup.KindText),
		col("body", dbbackup.KindText)),
		row("1", "x", strings.Repeat("w", 200)),
		row("2", nil, "short"))
	path, _ := export(t, &Exporter{}, src, tb)
	f := open(t, path)
	for c, want := range map[string]float64{"A": minWidth, "B": 29, "C": maxWidth} {
		if got, err := f.GetColWidth("w", c); err != nil || got != want {
			t.Errorf("width of %s = %v, %v; want %v", c, got, err, want)
		}
	}
}

func TestHeaderBoldFrozenFiltered(t *testing.T) {
	src := newFakeSource()
	tb := src.add(table("h", col("id", dbbackup.KindInt), col(" name & <more> ", dbbackup.KindText), col("at", dbbackup.KindDate)),
		row("1", "a", "2026-02-10"), row("2", nil, nil), row("3", "c", nil))
	path, _ := export(t, &Exporter{}, src, tb)
	f := open(t, path)
	for i, want := range []string{"id", " name & <more> ", "at"} {
		cell := columnName(i) + "1"
		if got, _ := f.GetCellValue("h", cell); got != want {
			t.Errorf("header %s = %q, want %q", cell, got, want)
		}
		id, err := f.GetCellStyle("h", cell)
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil || style.Font == nil || !style.Font.Bold {
			t.Errorf("header %s is not bold: style %d %+v %v", cell, id, style, err)
		}
	}
	if id, _ := f.GetCellStyle("h", "B2"); id != styleDefault {
		t.Errorf("data cell B2 has style %d", id)
	}
	panes, err := f.GetPanes("h")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want frozen below row 1", panes)
	}
	x := sheetXML(t, path, 1)
	if !strings.Contains(x, `<autoFilter ref="A1:C4"/>`) {
		t.Errorf("no auto-filter over A1:C4 in %s", x)
	}
	// Excel, unlike excelize, drops outer spaces that are not marked.
	if !strings.Contains(x, `<t xml:space="preserve"> name &amp; &lt;more&gt; </t>`) {
		t.Errorf("header B1 not escaped and preserved in %s", x)
	}
	names := f.GetDefinedName()
	if len(names) != 1 || names[0].Name != "_xlnm._FilterDatabase" || names[0].RefersTo != "'h'!$A$1:$C$4" {
		t.Errorf("defined names = %+v", names)
	}
}
