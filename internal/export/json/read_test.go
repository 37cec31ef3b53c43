package json

import (
	"bytes"
	"context"
	"encoding/csv"
	stdjson "encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestAppendTimeText(t *testing.T) {
	for in, want := range map[string]string{
		"2026-02-10":                       "2026-02-10",
		"-0043-03-15":                      "0044-03-15 BC",
		"0000-01-01":                       "0001-01-01 BC",
		"-0999-01-01T00:00:00":             "1000-01-01 00:00:00 BC",
		"+10000-01-01":                     "10000-01-01",
		"-0043-03-15T12:00:00Z":            "0044-03-15 12:00:00+00 BC",
		"2026-02-10T02:00:00.123456-05:30": "2026-02-10 02:00:00.123456-05:30",
		"13:45:00.25+03:00":                "13:45:00.25+03:00",
		"00:00:00Z":                        "00:00:00+00",
		"24:00:00":                         "24:00:00",
		"infinity":                         "infinity",
		"-infinity":                        "-infinity",
		"10.02.2026":                       "10.02.2026", // kept as text by the exporter
		"":                                 "",
	} {
		if got := string(appendTimeText(nil, []byte(in))); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestAppendArray(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		json     bool
	}{
		{`[]`, `{}`, false},
		{`[1,null,-2.5e3]`, `{"1",NULL,"-2.5e3"}`, false},
		{`[[1,2],[3,4]]`, `{{"1","2"},{"3","4"}}`, false},
		{`["a\"b\\c","",null,"NULL"," x "]`, `{"a\"b\\c","",NULL,"NULL"," x "}`, false},
		{`["0044-03-15 BC","\\x00ff","NaN",true]`, `{"0044-03-15 BC","\\x00ff","NaN","true"}`, false},
		{`[{"a":1,"b":"x\"y","c":null,"d":[1,null],"e":{"f":"(,)"}}]`,
			`{"(\"1\",\"x\\\"y\",,\"{\\\"1\\\",NULL}\",\"(\\\"(,)\\\")\")"}`, false},
		{`[{"a": [1]}, null, "s", [2]]`, `{"{\"a\": [1]}",NULL,"\"s\"","[2]"}`, true},
	} {
		got, err := appendArray(nil, []byte(tc.in), tc.json)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %s (%v), want %s", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{`{}`, `[1,`, `"x"`} {
		if _, err := appendArray(nil, []byte(bad), false); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestUnwrapJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"$json":null}`:             `null`,
		`{"$json":{"$json": 1}}`:     `{"$json": 1}`,
		`{"$json":  [1, 2] }`:        `[1, 2]`,
		`{"$json":1,"b":2}`:          `{"$json":1,"b":2}`,
		`{"a":1}`:                    `{"a":1}`,
		`[null]`:                     `[null]`,
		`"$json"`:                    `"$json"`,
		`{"$json":" spaced  text "}`: `" spaced  text "`,
	} {
		if got := string(unwrapJSON([]byte(in))); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}

// TestWrapRoundTrip: every json value the exporter writes reads back as
// itself.
func FuzzWrapRoundTrip(f *testing.F) {
	for _, s := range []string{`null`, ` null `, `{"$json": 1}`, `{"$json":null}`, `{}`, `[null]`, `"x"`, `{"\u0024json":2}`} {
		f.Add(s)
	}
	e := &encoder{}
	f.Fuzz(func(t *testing.T, v string) {
		if !validJSON(v) || strings.TrimSpace(v) != v || v == "" {
			return // the server stores valid JSON; spaces around are not kept
		}
		b, _ := e.appendValue(nil, dbbackup.KindJSON, []byte(v))
		if string(b) == "null" {
			t.Fatalf("%s is written as SQL NULL", v)
		}
		if got := string(unwrapJSON(b)); got != v {
			t.Fatalf("%s written as %s reads back as %s", v, b, got)
		}
	})
}

func validJSON(s string) bool {
	var v any
	return stdjson.Unmarshal([]byte(s), &v) == nil
}

// readAll reads a document and returns each table's CSV.
func readAll(t *testing.T, doc string, cols map[string][]dbbackup.Column) (map[string]string, error) {
	t.Helper()
	r := NewReader(strings.NewReader(doc))
	out := map[string]string{}
	for {
		h, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		c, ok := cols[h.String()]
		if !ok {
			continue // skipped
		}
		var buf bytes.Buffer
		if _, err := r.WriteCSV(&buf, c); err != nil {
			return out, err
		}
		out[h.String()] = buf.String()
	}
}

func TestReader(t *testing.T) {
	src := kindSource()
	_, doc, err := export(t, context.Background(), src, kinds)
	if err != nil {
		t.Fatal(err)
	}
	// The target's columns in another order, with a generated one.
	target := append([]dbbackup.Column{{Name: "gen", Type: "integer", Kind: dbbackup.KindInt, Generated: true}}, kinds.Columns...)
	target[1], target[len(target)-1] = target[len(target)-1], target[1]
	out, err := readAll(t, string(doc), map[string][]dbbackup.Column{"public.kinds": target})
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(out["public.kinds"])).ReadAll()
	if err != nil || len(records) != len(kindRows) || len(records[0]) != len(kinds.Columns) {
		t.Fatalf("%v, records:\n%s", err, out["public.kinds"])
	}
	for _, want := range []string{
		`"sad","0","0.1","0","t","{}","\x","2026-02-10","2026-02-10 02:00:00","2026-02-10 02:00:00+03:00","13:45:00","13:45:00+03:00","00:00:00","6f1c2a9e-0000-4000-8000-000000000001","{}",""`,
		`,,,,,,,,,,,,,,,`,
		`"happy","9223372036854775807","1e+100","123456789012345678901234567890.123456","f","{""a"": [1, 2.50, {""b"": null}], ""c"": ""д\n""}","\x00ff10","0044-03-15 BC","0044-03-15 12:00:00 BC","2026-02-10 02:00:00.123456-05:30","24:00:00","13:45:00.25-05:00","1 year 2 mons 3 days 04:05:06.5","00000000-0000-0000-0000-000000000000","{{""1"",""2""},{""3"",""4""}}","He said ""hi""\` + "\n" + `line 2` + "\r\n\t" + `tab` + "\x01\x1f\x7f" + `"`,
	} {
		if !strings.Contains(out["public.kinds"], want+"\n") {
			t.Errorf("no record\n%s\nin\n%s", want, out["public.kinds"])
		}
	}
}

func TestReaderErrors(t *testing.T) {
	src := kindSource()
	_, doc, err := export(t, context.Background(), src, kinds)
	if err != nil {
		t.Fatal(err)
	}
	short := kinds.Columns[:len(kinds.Columns)-1]
	more := append(append([]dbbackup.Column(nil), kinds.Columns...), dbbackup.Column{Name: "extra", Type: "text"})
	for name, tc := range map[string]struct {
		doc  string
		cols []dbbackup.Column
		want string
	}{
		"column not in target": {string(doc), short, `public.kinds: the target table has no column "mood"`},
		"column not in doc":    {string(doc), more, `table public.kinds has no column "extra"`},
		"row_count":            {strings.Replace(string(doc), `"row_count":7`, `"row_count":8`, 1), kinds.Columns, "has 7 rows but says row_count 8"},
		"cut short":            {string(doc[:len(doc)/2]), kinds.Columns, "ends too soon"},
		"other format":         {strings.Replace(string(doc), "dbbackup/1", "dbbackup/9", 1), kinds.Columns, `format "dbbackup/9"`},
		"not json":             {"hello", kinds.Columns, "json document"},
		"bad bytea":            {strings.Replace(string(doc), `"AP8Q"`, `"A!"`, 1), kinds.Columns, `column "bytea": bytea is not base64`},
	} {
		_, err := readAll(t, tc.doc, map[string][]dbbackup.Column{"public.kinds": tc.cols})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error with %q", name, err, tc.want)
		}
	}
	// A table not written is skipped, and the document still read to its end.
	if out, err := readAll(t, string(doc), nil); err != nil || len(out) != 0 {
		t.Errorf("skipping: %v %v", out, err)
	}
}

// FuzzAppendUnquoted: every JSON string reads as encoding/json reads it.
func FuzzAppendUnquoted(f *testing.F) {
	for _, s := range []string{`"plain"`, `"a\"b\\c\/d\n\r\t\b\f"`, `"\u0041\u00e9\u2028"`, `"\ud83d\ude00"`,
		`"\ud83d"`, `"\ude00x"`, `"\ud83d\u0041"`, `"Привет"`, "\"\xff\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var want string
		if stdjson.Unmarshal([]byte(raw), &want) != nil || !strings.HasPrefix(raw, `"`) || !strings.HasSuffix(raw, `"`) {
			return
		}
		got, err := appendUnquoted([]byte("x"), []byte(raw))
		if err != nil || string(got) != "x"+want {
			t.Fatalf("%s: got %q (%v), want %q", raw, got, err, want)
		}
	})
}

// FuzzEachMember: a row splits into the members encoding/json finds.
func FuzzEachMember(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":"x,}\"y","c":[1,{"d":[]}],"e":null}`, `{ "\u0041" : { } , "b" :true }`,
		"{\"a\"\n:\t-1.5e3\r}", `{"a":1,"a":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, row string) {
		var want map[string]stdjson.RawMessage
		if stdjson.Unmarshal([]byte(row), &want) != nil || !strings.HasPrefix(row, "{") || !strings.HasSuffix(row, "}") {
			return
		}
		got := map[string]string{}
		err := (&Reader{dec: stdjson.NewDecoder(strings.NewReader(""))}).eachMember([]byte(row), func(key, raw []byte) error {
			got[string(key)] = string(raw)
			return nil
		})
		if err != nil || len(got) != len(want) {
			t.Fatalf("%s: got %q (%v), want %q", row, got, err, want)
		}
		for k, v := range want {
			if got[k] != string(v) {
				t.Fatalf("%s: member %q is %q, want %q", row, k, got[k], v)
			}
		}
	})
}
