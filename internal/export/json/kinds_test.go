package json

import (
	stdjson "encoding/json"

	"github.com/dbbackup/dbbackup"
)

// A column of every kind, and the text forms PostgreSQL prints for them.
var kinds = dbbackup.Table{Schema: "public", Name: "kinds", Columns: []dbbackup.Column{
	{Name: "text", Type: "text", Kind: dbbackup.KindText},
	{Name: "int", Type: "bigint", Kind: dbbackup.KindInt},
	{Name: "float", Type: "double precision", Kind: dbbackup.KindFloat},
	{Name: "numeric", Type: "numeric", Kind: dbbackup.KindNumeric},
	{Name: "bool", Type: "boolean", Kind: dbbackup.KindBool},
	{Name: "jsonb", Type: "jsonb", Kind: dbbackup.KindJSON},
	{Name: "bytea", Type: "bytea", Kind: dbbackup.KindBytea},
	{Name: "date", Type: "date", Kind: dbbackup.KindDate},
	{Name: "ts", Type: "timestamp without time zone", Kind: dbbackup.KindTimestamp},
	{Name: "tstz", Type: "timestamp with time zone", Kind: dbbackup.KindTimestampTZ},
	{Name: "time", Type: "time without time zone", Kind: dbbackup.KindTime},
	{Name: "timetz", Type: "time with time zone", Kind: dbbackup.KindTimeTZ},
	{Name: "interval", Type: "interval", Kind: dbbackup.KindInterval},
	{Name: "uuid", Type: "uuid", Kind: dbbackup.KindUUID},
	{Name: "array", Type: "integer[]", Kind: dbbackup.KindArray},
	{Name: "mood", Type: "public.mood", Kind: dbbackup.KindText},
}}

// kindRows are the rows of kinds; wantRows what each decodes to with
// UseNumber (json.Number for numbers, []byte for bytea after base64).
var kindRows = []struct {
	in   []string // "\x00NULL" is NULL
	want []any
}{
	{
		in: []string{"", "0", "0.1", "0", "t", `{}`, `\x`, "2026-02-10", "2026-02-10 02:00:00",
			"2026-02-10 02:00:00+03", "13:45:00", "13:45:00+03", "00:00:00",
			"6f1c2a9e-0000-4000-8000-000000000001", "[]", "sad"},
		want: []any{"", num("0"), num("0.1"), num("0"), true, map[string]any{}, []byte{}, "2026-02-10", "2026-02-10T02:00:00",
			"2026-02-10T02:00:00+03:00", "13:45:00", "13:45:00+03:00", "00:00:00",
			"6f1c2a9e-0000-4000-8000-000000000001", []any{}, "sad"},
	},
	{
		in:   []string{null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null},
		want: []any{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil},
	},
	{
		in: []string{"He said \"hi\"\\\nline 2\r\n\ttab\x01\x1f\x7f", "9223372036854775807", "1e+100",
			"123456789012345678901234567890.123456", "f", `{"a": [1, 2.50, {"b": null}], "c": "д\n"}`, `\x00ff10`,
			"0044-03-15 BC", "0044-03-15 12:00:00 BC", "2026-02-10 02:00:00.123456-05:30", "24:00:00", "13:45:00.25-05", "1 year 2 mons 3 days 04:05:06.5",
			"00000000-0000-0000-0000-000000000000", "[[1,2],[3,4]]", "happy"},
		want: []any{"He said \"hi\"\\\nline 2\r\n\ttab\x01\x1f\x7f", num("9223372036854775807"), num("1e+100"),
			num("123456789012345678901234567890.123456"), false, map[string]any{"a": []any{num("1"), num("2.50"), map[string]any{"b": nil}}, "c": "д\n"}, []byte{0, 0xff, 0x10},
			"-0043-03-15", "-0043-03-15T12:00:00", "2026-02-10T02:00:00.123456-05:30", "24:00:00", "13:45:00.25-05:00", "1 year 2 mons 3 days 04:05:06.5",
			"00000000-0000-0000-0000-000000000000", []any{[]any{num("1"), num("2")}, []any{num("3"), num("4")}}, "happy"},
	},
	{
		in: []string{"Привет, мир 😀 a\xffb\u2028\u2029", "-9223372036854775808", "NaN", "NaN", "t", `"just a string"`, `\x` + "e29883",
			"infinity", "-infinity", "1890-01-01 00:00:00+02:30:17", "23:59:59.999999", "00:00:00+00", "-00:00:01",
			"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", `[null,"a",null]`, ""},
		want: []any{"Привет, мир 😀 a\uFFFDb\u2028\u2029", num("-9223372036854775808"), "NaN", "NaN", true, "just a string", []byte("☃"),
			"infinity", "-infinity", "1889-12-31T21:29:43Z", "23:59:59.999999", "00:00:00Z", "-00:00:01",
			"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", []any{nil, "a", nil}, ""},
	},
	{
		in: []string{"\\", "42", "Infinity", "Infinity", "f", `[1, "x", true, null]`, `\x00`,
			"10000-01-01", "2026-02-10 23:59:59.5", "0044-03-15 12:00:00+00 BC", "12:00:00", "12:00:00+05:30", "P1Y",
			"01234567-89ab-cdef-0123-456789abcdef", `[{"a":1}]`, "x"},
		want: []any{"\\", num("42"), "Infinity", "Infinity", false, []any{num("1"), "x", true, nil}, []byte{0},
			"+10000-01-01", "2026-02-10T23:59:59.5", "-0043-03-15T12:00:00Z", "12:00:00", "12:00:00+05:30", "P1Y",
			"01234567-89ab-cdef-0123-456789abcdef", []any{map[string]any{"a": num("1")}}, "x"},
	},
	{
		in: []string{"<script>&amp;</script>", "-1", "-Infinity", "-Infinity", "t", `12.50`, `\xDEADBEEF`,
			"2000-02-29", "1999-12-31 23:59:59", "2026-02-10 00:00:00-00:25:21", "00:00:00.000001", "23:59:59-15:59", "-1 days",
			"", `[]`, "y"},
		want: []any{"<script>&amp;</script>", num("-1"), "-Infinity", "-Infinity", true, num("12.50"), []byte{0xde, 0xad, 0xbe, 0xef},
			"2000-02-29", "1999-12-31T23:59:59", "2026-02-10T00:25:21Z", "00:00:00.000001", "23:59:59-15:59", "-1 days",
			"", []any{}, "y"},
	},
	{
		in: []string{"x", "1", "-0", "-0.000001", "t", `"null"`, `\x00`,
			"2026-02-10", "2026-02-10 02:00:00", "2026-02-10 02:00:00+00", "13:45:00", "13:45:00+03", "0",
			"x", `[1.5e+300,-0]`, "z"},
		want: []any{"x", num("1"), num("-0"), num("-0.000001"), true, "null", []byte{0},
			"2026-02-10", "2026-02-10T02:00:00", "2026-02-10T02:00:00Z", "13:45:00", "13:45:00+03:00", "0",
			"x", []any{num("1.5e+300"), num("-0")}, "z"},
	},
}

const null = "\x00NULL"

func num(s string) stdjson.Number { return stdjson.Number(s) }

func kindSource() *fakeSource {
	src := newFakeSource()
	ft := &fakeTable{}
	for _, r := range kindRows {
		row := make([][]byte, len(r.in))
		for i, s := range r.in {
			if s != null {
				row[i] = []byte(s)
			}
		}
		ft.rows = append(ft.rows, row)
	}
	src.tables[kinds.String()] = ft
	return src
}
