package json

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// Head is a table of the document as Reader.Next reads it, before its
// rows.
type Head struct {
	Schema, Name string
	Columns      []HeadColumn // as the document lists them
}

// String returns schema.name, as dbbackup.Table does.
func (h Head) String() string { return h.Schema + "." + h.Name }

// HeadColumn is a column as the document lists it: its name and the type
// format_type printed at backup time.
type HeadColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Reader reads a json document back, table by table, and writes each
// table's rows in PostgreSQL's input forms, as COPY … FROM (FORMAT csv)
// reads them. It streams: memory does not grow with the number of rows or
// tables, but each row is held whole, several times over (the decoder's
// buffer, the row's JSON, the value unquoted, its PostgreSQL text): a row
// with a 64 MiB text value took about 500 MB of heap, so a row of several
// hundred MB needs gigabytes.
type Reader struct {
	dec     *stdjson.Decoder
	started bool
	done    bool
	head    Head
	pending bool // the current table's rows are not read yet
	err     error

	raw     stdjson.RawMessage // a value skipped
	row     stdjson.RawMessage // the row being read
	name    []byte             // a member name unquoted
	scratch []byte             // a value unquoted
	bin     []byte             // a bytea decoded
	fields  [][]byte           // the current row's values in PostgreSQL's text, by target column
	nulls   []bool
	seen    []bool
}

// NewReader returns a Reader of the document r holds.
func NewReader(r io.Reader) *Reader {
	dec := stdjson.NewDecoder(r)
	dec.UseNumber()
	return &Reader{dec: dec}
}

// Next skips what is left of the current table and reads the next table's
// head. It returns io.EOF after the last table, once the whole document
// has been read.
func (r *Reader) Next() (Head, error) {
	if r.err != nil {
		return Head{}, r.err
	}
	h, err := r.next()
	if err != nil && err != io.EOF {
		r.err = err
	}
	return h, err
}

func (r *Reader) next() (Head, error) {
	if r.done {
		return Head{}, io.EOF
	}
	if !r.started {
		r.started = true
		if err := r.documentHead(); err != nil {
			return Head{}, err
		}
	} else if r.pending {
		if _, err := r.rows(nil, nil); err != nil {
			return Head{}, err
		}
	}
	if !r.dec.More() {
		if err := r.delim(']'); err != nil {
			return Head{}, err
		}
		// What follows "tables" (nothing, in a document of ours).
		if err := r.skipMembers(); err != nil {
			return Head{}, err
		}
		if _, err := r.dec.Token(); err != io.EOF {
			return Head{}, r.syntax("data after the document")
		}
		r.done = true
		return Head{}, io.EOF
	}
	if err := r.delim('{'); err != nil {
		return Head{}, err
	}
	r.head = Head{}
	var haveColumns bool
	rows, err := r.members(func(key string) (bool, error) {
		switch key {
		case "schema":
			return false, r.decode(&r.head.Schema)
		case "name":
			return false, r.decode(&r.head.Name)
		case "columns":
			haveColumns = true
			return false, r.decode(&r.head.Columns)
		case "rows":
			if !haveColumns {
				return true, r.syntax(fmt.Sprintf("table %s: rows before columns", r.head))
			}
			return true, r.delim('[')
		}
		return false, r.decode(&r.raw)
	})
	if err != nil {
		return Head{}, err
	}
	if !rows {
		return Head{}, r.syntax(fmt.Sprintf("table %s has no rows", r.head))
	}
	r.pending = true
	return r.head, nil
}

// documentHead reads the document up to the opening of its tables.
func (r *Reader) documentHead() error {
	if err := r.delim('{'); err != nil {
		return err
	}
	tables, err := r.members(func(key string) (bool, error) {
		switch key {
		case "format":
			var f string
			if err := r.decode(&f); err != nil {
				return true, err
			}
			if f != DocumentFormat {
				return true, fmt.Errorf("json document: format %q, this version reads %q", f, DocumentFormat)
			}
			return false, nil
		case "tables":
			return true, r.delim('[')
		}
		return false, r.decode(&r.raw)
	})
	if err == nil && !tables {
		err = r.syntax("no tables")
	}
	return err
}

// WriteCSV writes the rows of the table Next returned to w, one COPY …
// FROM (FORMAT csv) record a row, without a header, with the values of
// cols in that order: the target table's columns, as its catalog lists
// them. Generated columns are left out (the server computes them); every
// other column of cols must be in the document, and every column of the
// document in cols. Each value is turned back into PostgreSQL's input form
// by its column's Kind. It returns the number of rows, which must be the
// table's row_count.
func (r *Reader) WriteCSV(w io.Writer, cols []dbbackup.Column) (rows int64, err error) {
	if r.err != nil {
		return 0, r.err
	}
	if !r.pending {
		return 0, errors.New("json document: WriteCSV without a table (call Next first)")
	}
	rows, err = r.rows(w, cols)
	if err != nil {
		r.err = err
	}
	return rows, err
}

// rows reads the current table's rows and its row_count; with w, it
// writes them as CSV records of cols.
func (r *Reader) rows(w io.Writer, cols []dbbackup.Column) (int64, error) {
	r.pending = false
	t := r.head
	// target[i] is the index in cols of the document's column i, -1 when
	// it is not written.
	target := make([]int, len(t.Columns))
	byName := make(map[string]int, len(t.Columns))
	for i, c := range t.Columns {
		byName[c.Name] = i
		target[i] = -1
	}
	var copied []int // indexes in cols of the columns written
	var bw *bufio.Writer
	if w != nil {
		bw = bufio.NewWriterSize(w, 64<<10)
		for j, c := range cols {
			i, ok := byName[c.Name]
			switch {
			case c.Generated:
				continue
			case !ok:
				return 0, fmt.Errorf("json document: table %s has no column %q, which the target table has", t, c.Name)
			}
			target[i] = j
			copied = append(copied, j)
		}
		inCols := make(map[string]bool, len(cols))
		for _, c := range cols {
			inCols[c.Name] = true
		}
		for _, c := range t.Columns {
			if !inCols[c.Name] {
				return 0, fmt.Errorf("json document: table %s: the target table has no column %q", t, c.Name)
			}
		}
		if cap(r.fields) < len(cols) {
			r.fields, r.nulls = make([][]byte, len(cols)), make([]bool, len(cols))
		}
		r.fields, r.nulls = r.fields[:len(cols)], r.nulls[:len(cols)]
	}
	if cap(r.seen) < len(t.Columns) {
		r.seen = make([]bool, len(t.Columns))
	}
	seen := r.seen[:len(t.Columns)]
	var n int64
	for r.dec.More() {
		// The decoder checks that the row is JSON and holds it whole;
		// eachMember, much faster, splits it.
		if err := r.decode(&r.row); err != nil {
			return n, err
		}
		clear(seen)
		err := r.eachMember(r.row, func(key, raw []byte) error {
			i, ok := byName[string(key)]
			if !ok {
				return r.syntax(fmt.Sprintf("table %s row %d: %q is not a column of the table", t, n+1, key))
			}
			seen[i] = true
			j := target[i]
			if j < 0 {
				return nil
			}
			if r.nulls[j] = string(raw) == "null"; r.nulls[j] {
				return nil
			}
			var err error
			if r.fields[j], err = r.appendText(r.fields[j][:0], cols[j], raw); err != nil {
				return fmt.Errorf("json document: table %s row %d column %q: %w", t, n+1, cols[j].Name, err)
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		for i, ok := range seen {
			if !ok {
				return n, r.syntax(fmt.Sprintf("table %s row %d has no column %q", t, n+1, t.Columns[i].Name))
			}
		}
		n++
		if w == nil {
			continue
		}
		for k, j := range copied {
			if k > 0 {
				bw.WriteByte(',')
			}
			if !r.nulls[j] {
				writeCSVField(bw, r.fields[j])
			}
		}
		if err := bw.WriteByte('\n'); err != nil {
			return n, err
		}
		// One huge value need not stay in memory.
		for j, f := range r.fields {
			if cap(f) > 1<<20 {
				r.fields[j] = nil
			}
		}
		if cap(r.row) > 1<<20 {
			r.row = nil
		}
		if cap(r.scratch) > 1<<20 {
			r.scratch = nil
		}
	}
	if bw != nil {
		if err := bw.Flush(); err != nil {
			return n, err
		}
	}
	if err := r.delim(']'); err != nil {
		return n, err
	}
	count := int64(-1)
	_, err := r.members(func(key string) (bool, error) {
		if key == "row_count" {
			return false, r.decode(&count)
		}
		return false, r.decode(&r.raw)
	})
	if err != nil {
		return n, err
	}
	if count != n {
		return n, fmt.Errorf("json document: table %s has %d rows but says row_count %d: the file is damaged or cut short", t, n, count)
	}
	return n, nil
}

// writeCSVField writes v quoted, as COPY reads a value that is not NULL.
// A write error stays in w, which its Flush returns.
func writeCSVField(w *bufio.Writer, v []byte) {
	w.WriteByte('"')
	for {
		i := bytes.IndexByte(v, '"')
		if i < 0 {
			break
		}
		w.Write(v[:i+1])
		w.WriteByte('"')
		v = v[i+1:]
	}
	w.Write(v)
	w.WriteByte('"')
}

// appendText appends PostgreSQL's input text of raw, a JSON value (not
// null) of column c as the exporter wrote it.
func (r *Reader) appendText(dst []byte, c dbbackup.Column, raw []byte) ([]byte, error) {
	var err error
	switch c.Kind {
	case dbbackup.KindJSON:
		return append(dst, unwrapJSON(raw)...), nil
	case dbbackup.KindArray:
		if raw[0] == '[' {
			return appendArray(dst, raw, pgtext.JSONArrayType(c.Type))
		}
	case dbbackup.KindBool:
		switch string(raw) {
		case "true":
			return append(dst, 't'), nil
		case "false":
			return append(dst, 'f'), nil
		}
	case dbbackup.KindBytea:
		if raw[0] == '"' {
			if r.scratch, err = appendUnquoted(r.scratch[:0], raw); err != nil {
				return dst, err
			}
			r.bin, err = base64.StdEncoding.AppendDecode(r.bin[:0], r.scratch)
			if err != nil {
				return dst, fmt.Errorf("bytea is not base64: %w", err)
			}
			dst = append(dst, '\\', 'x')
			dst = hex.AppendEncode(dst, r.bin)
			if cap(r.bin) > 1<<20 {
				r.bin = nil // one huge value need not stay in memory
			}
			return dst, nil
		}
	case dbbackup.KindDate, dbbackup.KindTimestamp, dbbackup.KindTimestampTZ, dbbackup.KindTime, dbbackup.KindTimeTZ:
		if raw[0] == '"' {
			if r.scratch, err = appendUnquoted(r.scratch[:0], raw); err != nil {
				return dst, err
			}
			return appendTimeText(dst, r.scratch), nil
		}
	}
	if raw[0] == '"' {
		return appendUnquoted(dst, raw)
	}
	// A number, or a value of a kind the exporter writes as a string.
	return append(dst, raw...), nil
}

// unwrapJSON returns the json value raw holds: the member's value of
// {"$json": VALUE}, else raw itself. raw has been checked by the decoder.
func unwrapJSON(raw []byte) []byte {
	if raw[0] != '{' {
		return raw
	}
	i := skipSpace(raw, 1)
	if raw[i] != '"' {
		return raw
	}
	end := skipValue(raw, i)
	key := raw[i:end]
	if string(key) != `"$json"` {
		if bytes.IndexByte(key, '\\') < 0 {
			return raw
		}
		if k, err := appendUnquoted(nil, key); err != nil || string(k) != "$json" {
			return raw
		}
	}
	i = skipSpace(raw, skipSpace(raw, end)+1) // past the colon
	end = skipValue(raw, i)
	if j := skipSpace(raw, end); j != len(raw)-1 || raw[j] != '}' {
		return raw // more members
	}
	return raw[i:end]
}

// appendTimeText appends PostgreSQL's input text of s, a date or time in
// AppendRFC3339's form: "T" becomes a space, "Z" "+00", and a year of the
// expanded form ("-0043", "+10000") PostgreSQL's ("0044 … BC", "10000").
// Anything else (infinity, or a value the exporter kept as text) is
// appended as it is.
func appendTimeText(dst, s []byte) []byte {
	// A date part is 4 or more digits, maybe signed, and "-".
	i := 0
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		i = 1
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	bc := false
	rest := s
	if j-i >= 4 && j < len(s) && s[j] == '-' {
		year, err := strconv.Atoi(string(s[:j]))
		if err != nil {
			return append(dst, s...)
		}
		if year <= 0 {
			bc = true
			year = 1 - year
		}
		if year < 1000 {
			dst = append(dst, "000"[:4-len(strconv.Itoa(year))]...)
		}
		dst = strconv.AppendInt(dst, int64(year), 10)
		rest = s[j:]
	} else if j-i != 2 || i != 0 || j >= len(s) || s[j] != ':' {
		return append(dst, s...) // not a time either
	}
	for _, c := range rest {
		switch c {
		case 'T':
			c = ' '
		case 'Z':
			dst = append(dst, "+00"...)
			continue
		}
		dst = append(dst, c)
	}
	if bc {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendUnquoted appends the text of raw, a JSON string, as
// encoding/json decodes it (an invalid escape or surrogate is U+FFFD).
func appendUnquoted(dst, raw []byte) ([]byte, error) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return dst, fmt.Errorf("not a JSON string: %.40s", raw)
	}
	s := raw[1 : len(raw)-1]
	if !utf8.Valid(s) {
		// Not in a document of ours: read it as encoding/json does.
		var v string
		if err := stdjson.Unmarshal(raw, &v); err != nil {
			return dst, err
		}
		return append(dst, v...), nil
	}
	for {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(dst, s...), nil
		}
		dst = append(dst, s[:i]...)
		if i+1 >= len(s) {
			return dst, fmt.Errorf("a JSON string ends in a backslash")
		}
		c := s[i+1]
		s = s[i+2:]
		switch c {
		case 'n':
			dst = append(dst, '\n')
		case 't':
			dst = append(dst, '\t')
		case 'r':
			dst = append(dst, '\r')
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case '"', '\\', '/':
			dst = append(dst, c)
		case 'u':
			r, n := hex4(s)
			s = s[n:]
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if len(s) >= 6 && s[0] == '\\' && s[1] == 'u' {
					r2, _ = hex4(s[2:])
				}
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					r = d
					s = s[6:]
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, fmt.Errorf("a JSON string has an invalid escape \\%c", c)
		}
	}
}

// hex4 reads the 4 hex digits of a \u escape; n is how many bytes it read.
func hex4(s []byte) (r rune, n int) {
	if len(s) < 4 {
		return utf8.RuneError, 0
	}
	v, err := strconv.ParseUint(string(s[:4]), 16, 32)
	if err != nil {
		return utf8.RuneError, 0
	}
	return rune(v), 4
}

// appendArray appends PostgreSQL's array literal of raw, a JSON array as
// to_json wrote it: nested arrays are dimensions, objects composite
// values, and elements in to_json's forms, which PostgreSQL reads back
// as they are. With jsonElems every element is a json value (an array of
// json or jsonb, which new documents write as a literal instead).
func appendArray(dst, raw []byte, jsonElems bool) ([]byte, error) {
	dec := stdjson.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != stdjson.Delim('[') {
		return dst, fmt.Errorf("not a JSON array: %.40s", raw)
	}
	dst = append(dst, '{')
	var el stdjson.RawMessage
	for first := true; dec.More(); first = false {
		if err := dec.Decode(&el); err != nil {
			return dst, err
		}
		if !first {
			dst = append(dst, ',')
		}
		var err error
		switch {
		case string(el) == "null":
			dst = append(dst, "NULL"...)
		case jsonElems:
			dst = appendQuoted(dst, el)
		case el[0] == '[':
			dst, err = appendArray(dst, el, false)
		default:
			var text []byte
			if text, err = appendElementText(nil, el); err == nil {
				dst = appendQuoted(dst, text)
			}
		}
		if err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendElementText appends the text of el, an array element or a field
// of a composite value in to_json's form, not null.
func appendElementText(dst, el []byte) ([]byte, error) {
	switch el[0] {
	case '"':
		return appendUnquoted(dst, el)
	case '[':
		return appendArray(dst, el, false)
	case '{':
		return appendRow(dst, el)
	}
	return append(dst, el...), nil // a number, true or false
}

// appendRow appends the row literal of el, a composite value as to_json
// writes it: an object of its fields in order. A field that is an object
// is taken for a nested composite value, one that is an array for an
// array.
func appendRow(dst, el []byte) ([]byte, error) {
	dec := stdjson.NewDecoder(bytes.NewReader(el))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return dst, err
	}
	dst = append(dst, '(')
	var v stdjson.RawMessage
	for first := true; dec.More(); first = false {
		if _, err := dec.Token(); err != nil { // the field's name
			return dst, err
		}
		if err := dec.Decode(&v); err != nil {
			return dst, err
		}
		if !first {
			dst = append(dst, ',')
		}
		if string(v) == "null" {
			continue // an empty field is NULL
		}
		text, err := appendElementText(nil, v)
		if err != nil {
			return dst, err
		}
		dst = appendQuoted(dst, text)
	}
	return append(dst, ')'), nil
}

// appendQuoted appends s double-quoted with backslashes before quotes and
// backslashes, as array and row literals read it.
func appendQuoted(dst, s []byte) []byte {
	dst = append(dst, '"')
	for _, c := range s {
		if c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

// eachMember calls fn with each member of obj, a JSON object the decoder
// has checked, in order: its name, unquoted, and its value's JSON text.
func (r *Reader) eachMember(obj []byte, fn func(key, raw []byte) error) error {
	if len(obj) == 0 || obj[0] != '{' {
		return r.syntax(fmt.Sprintf("a row is not an object: %.40s", obj))
	}
	i := skipSpace(obj, 1)
	if obj[i] == '}' {
		return nil
	}
	for {
		end := skipValue(obj, i)
		key := obj[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 || !utf8.Valid(key) {
			var err error
			if r.name, err = appendUnquoted(r.name[:0], obj[i:end]); err != nil {
				return err
			}
			key = r.name
		}
		i = skipSpace(obj, skipSpace(obj, end)+1) // past the colon
		end = skipValue(obj, i)
		if err := fn(key, obj[i:end]); err != nil {
			return err
		}
		i = skipSpace(obj, end)
		if obj[i] == '}' {
			return nil
		}
		i = skipSpace(obj, i+1) // past the comma
	}
}

// skipValue returns the end of the JSON value that starts at b[i], in a
// document the decoder has checked.
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// delim reads the token d.
func (r *Reader) delim(d stdjson.Delim) error {
	t, err := r.dec.Token()
	if err != nil {
		return r.syntax(err.Error())
	}
	if t != d {
		return r.syntax(fmt.Sprintf("%v where %v was expected", t, d))
	}
	return nil
}

// key reads an object's next member name, or its closing brace (and
// returns "").
func (r *Reader) key() (string, error) {
	t, err := r.dec.Token()
	if err != nil {
		return "", r.syntax(err.Error())
	}
	switch t := t.(type) {
	case string:
		if t == "" {
			return "", r.syntax("a member without a name")
		}
		return t, nil
	case stdjson.Delim:
		if t == '}' {
			return "", nil
		}
	}
	return "", r.syntax(fmt.Sprintf("%v where a member name was expected", t))
}

// members reads an object's members up to its closing brace, calling fn
// with each name; fn reads the value. It stops early, and returns true,
// when fn says to stop.
func (r *Reader) members(fn func(key string) (stop bool, err error)) (stopped bool, err error) {
	for {
		key, err := r.key()
		if err != nil || key == "" {
			return false, err
		}
		if stop, err := fn(key); stop || err != nil {
			return stop, err
		}
	}
}

// skipMembers reads what is left of an object.
func (r *Reader) skipMembers() error {
	_, err := r.members(func(string) (bool, error) { return false, r.decode(&r.raw) })
	return err
}

// decode reads the next value into v.
func (r *Reader) decode(v any) error {
	if err := r.dec.Decode(v); err != nil {
		return r.syntax(err.Error())
	}
	return nil
}

func (r *Reader) syntax(problem string) error {
	if problem == io.EOF.Error() || problem == io.ErrUnexpectedEOF.Error() {
		problem = "the document ends too soon (is the file cut short?)"
	}
	return fmt.Errorf("json document: at byte %d: %s", r.dec.InputOffset(), problem)
}
