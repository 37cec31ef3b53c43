package json

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/exporttest"
)

// stdString is what encoding/json writes for s.
func stdString(t *testing.T, s []byte) string {
	t.Helper()
	var buf bytes.Buffer
	enc := stdjson.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(string(s)); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " backslash \ slash /`, "\n\r\t\b\f\x00\x01\x1f\x7f",
		"Привет, мир", "emoji 😀", "bad \xff\xfe utf8", "cut \xe2\x82", "\u2028\u2029", "<&>", "\ufffd"} {
		got := string(appendString([]byte("x"), []byte(s)))
		if want := "x" + stdString(t, []byte(s)); got != want {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"a\"b\\c\n", "Привет\xff", "\u2028 😀", "\x00\x1f\x7f"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		if got, want := string(appendString(nil, s)), stdString(t, s); got != want {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// TestRawForms checks the bytes of the document where decoding would hide
// the difference.
func TestRawForms(t *testing.T) {
	_, out, err := export(t, context.Background(), kindSource(), kinds)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"numeric":123456789012345678901234567890.123456,`,
		`"float":1e+100,`,
		`"int":-9223372036854775808,`,
		`"numeric":"NaN"`, `"float":"-Infinity"`,
		`"jsonb":{"a": [1, 2.50, {"b": null}], "c": "д\n"}`, // verbatim, as the server printed it
		`"array":[[1,2],[3,4]]`,
		`"text":"He said \"hi\"\\\nline 2\r\n\ttab\u0001\u001f` + "\x7f" + `"`,
		`a\ufffdb\u2028\u2029"`,
		`"text":"<script>&amp;</script>"`,
		"\n{\"text\":", // one row a line
	} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("document lacks %s", want)
		}
	}
}

// TestMemoryIsFlat checks that a table is streamed: allocations do not grow
// with the number of rows.
func TestMemoryIsFlat(t *testing.T) {
	allocs := func(rows int) float64 {
		var gen exporttest.Synth
		src := newFakeSource()
		src.tables[exporttest.Table.String()] = &fakeTable{n: rows, gen: gen.Row}
		return testing.AllocsPerRun(1, func() {
			if _, _, err := export(t, context.Background(), src, exporttest.Table); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(1000), allocs(50000)
	// Reading the file back in export allocates with its size; allow for it.
	if large-small > 100 {
		t.Errorf("%v allocations for 1000 rows, %v for 50000: the exporter holds rows", small, large)
	}
}

var _ dbbackup.Source = (*fakeSource)(nil)

// TestWrappedJSON checks that the json values that would read back as
// something else are wrapped, and only those.
func TestWrappedJSON(t *testing.T) {
	e := &encoder{}
	for _, tc := range []struct{ in, want string }{
		{`null`, `{"$json":null}`},
		{" null\n", `{"$json": null` + "\n}"},
		{`{"$json": 1}`, `{"$json":{"$json": 1}}`},
		{`{ "\u0024json" : [1], "b": 2}`, `{"$json":{ "\u0024json" : [1], "b": 2}}`},
		{`{"$jsonx": 1}`, `{"$jsonx": 1}`},
		{`{"a": null}`, `{"a": null}`},
		{`"null"`, `"null"`},
		{`[null]`, `[null]`},
		{`{}`, `{}`},
		{`{"a\"$json": 1}`, `{"a\"$json": 1}`},
	} {
		got, ok := e.appendValue(nil, dbbackup.KindJSON, []byte(tc.in))
		if string(got) != tc.want || !ok {
			t.Errorf("%q: got %s (ok %v), want %s", tc.in, got, ok, tc.want)
		}
	}
}

// TestArrayLiterals checks that an array the source kept as a literal is
// a JSON string, and a to_json array is embedded.
func TestArrayLiterals(t *testing.T) {
	e := &encoder{}
	for _, tc := range []struct{ in, want string }{
		{`[0:2]={7,8,9}`, `"[0:2]={7,8,9}"`},
		{`[-3:-2][1:1]={{1},{2}}`, `"[-3:-2][1:1]={{1},{2}}"`},
		{`{"{\"a\": 1}",NULL,"null"}`, `"{\"{\\\"a\\\": 1}\",NULL,\"null\"}"`},
		{`[1,2]`, `[1,2]`},
		{`[[0,1]]`, `[[0,1]]`},
		{`[]`, `[]`},
	} {
		got, ok := e.appendValue(nil, dbbackup.KindArray, []byte(tc.in))
		if string(got) != tc.want || !ok {
			t.Errorf("%q: got %s (ok %v), want %s", tc.in, got, ok, tc.want)
		}
	}
}
