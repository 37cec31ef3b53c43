package json

import (
	"bytes"
	"context"
	"encoding/base64"
	stdjson "encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// TestTokenWalk reads the document token by token, as a streaming reader
// does, and checks the order of every member (the column order is kept,
// row_count comes last) and every scalar value.
func TestTokenWalk(t *testing.T) {
	src := kindSource()
	empty := dbbackup.Table{Schema: "audit", Name: "empty", Columns: kinds.Columns[:1]}
	src.tables[empty.String()] = &fakeTable{}
	_, out, err := export(t, context.Background(), src, kinds, empty)
	if err != nil {
		t.Fatal(err)
	}
	dec := stdjson.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	w := walker{dec: dec, t: t}
	w.value("", false)
	if _, err := dec.Token(); err != io.EOF {
		t.Errorf("after the document: %v, want EOF", err)
	}

	want := []string{"/format", "/database", "/created_at", "/tables",
		"/tables[]/schema", "/tables[]/name", "/tables[]/columns"}
	for range kinds.Columns {
		want = append(want, "/tables[]/columns[]/name", "/tables[]/columns[]/type")
	}
	want = append(want, "/tables[]/rows")
	var scalars []any
	for _, r := range kindRows {
		for i, c := range kinds.Columns {
			want = append(want, "/tables[]/rows[]/"+c.Name)
			switch v := r.want[i].(type) {
			case []byte:
				scalars = append(scalars, base64.StdEncoding.EncodeToString(v))
			case nil, string, bool, stdjson.Number:
				scalars = append(scalars, v)
			}
		}
	}
	want = append(want, "/tables[]/row_count",
		"/tables[]/schema", "/tables[]/name", "/tables[]/columns", "/tables[]/columns[]/name", "/tables[]/columns[]/type",
		"/tables[]/rows", "/tables[]/row_count")
	if !reflect.DeepEqual(w.keys, want) {
		t.Errorf("members in document order:\n%q\nwant\n%q", w.keys, want)
	}
	if !reflect.DeepEqual(w.rowScalars, scalars) {
		t.Errorf("row values in document order:\n%#v\nwant\n%#v", w.rowScalars, scalars)
	}
}

// walker records the path of every member outside embedded values, and
// the scalar values of rows.
type walker struct {
	dec        *stdjson.Decoder
	t          *testing.T
	keys       []string
	rowScalars []any
}

func (w *walker) token() stdjson.Token {
	tok, err := w.dec.Token()
	if err != nil {
		w.t.Fatal(err)
	}
	return tok
}

// value reads one value at path; member says it is a row's member.
func (w *walker) value(path string, member bool) {
	switch tok := w.token(); tok {
	case stdjson.Delim('{'):
		row := path == "/tables[]/rows[]"
		for w.dec.More() {
			key := path + "/" + w.token().(string)
			if !strings.HasPrefix(key, "/tables[]/rows[]/") || row {
				w.keys = append(w.keys, key)
			}
			w.value(key, row)
		}
		w.token()
	case stdjson.Delim('['):
		for w.dec.More() {
			w.value(path+"[]", false)
		}
		w.token()
	default:
		if member {
			w.rowScalars = append(w.rowScalars, tok)
		}
	}
}
