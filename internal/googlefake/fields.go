package googlefake

import (
	"fmt"
	"reflect"
	"strings"

	drive "google.golang.org/api/drive/v3"
)

// fieldSet is a parsed partial-response selection (the `fields` parameter):
// each key selects a member; a non-nil value selects inside it, a nil value
// takes the member whole. "*" selects every member at its level.
type fieldSet map[string]fieldSet

// Partial-response schemas: the official client's types carry the JSON
// names, so a selection is checked against the same names Drive knows.
var (
	fileType     = reflect.TypeFor[drive.File]()
	fileListType = reflect.TypeFor[drive.FileList]()
	aboutType    = reflect.TypeFor[drive.About]()
)

// Drive v3 answers only these when a call has no `fields`.
const (
	defaultFileFields = "kind,id,name,mimeType"
	defaultListFields = "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)"
)

// selectFields parses and checks raw (def when empty) against the schema t.
func selectFields(raw, def string, t reflect.Type) (fieldSet, *Failure) {
	if raw == "" {
		raw = def
	}
	fs, err := parseFields(raw)
	if err == nil {
		err = checkFields(fs, t)
	}
	if err != nil {
		e := Failure{Code: 400, Reason: "invalidParameter", Location: "fields", LocationType: "parameter",
			Message: "Invalid field selection " + err.Error()}
		return nil, &e
	}
	return fs, nil
}

type fieldsParser struct {
	s   string
	pos int
}

func parseFields(s string) (fieldSet, error) {
	p := &fieldsParser{s: s}
	fs, err := p.list()
	if err != nil {
		return nil, err
	}
	if p.skipSpace(); p.pos < len(p.s) {
		return nil, fmt.Errorf("%s", p.s[p.pos:])
	}
	return fs, nil
}

// list parses item (',' item)*.
func (p *fieldsParser) list() (fieldSet, error) {
	fs := fieldSet{}
	for {
		if err := p.item(fs); err != nil {
			return nil, err
		}
		if p.skipSpace(); p.pos >= len(p.s) || p.s[p.pos] != ',' {
			return fs, nil
		}
		p.pos++
	}
}

// item parses name('/'name)* optionally followed by '(' list ')'.
func (p *fieldsParser) item(fs fieldSet) error {
	var path []string
	for {
		name := p.name()
		if name == "" {
			return fmt.Errorf("%s", p.s[p.pos:])
		}
		path = append(path, name)
		if p.pos >= len(p.s) || p.s[p.pos] != '/' {
			break
		}
		p.pos++
	}
	var sub fieldSet
	if p.pos < len(p.s) && p.s[p.pos] == '(' {
		p.pos++
		var err error
		if sub, err = p.list(); err != nil {
			return err
		}
		if p.skipSpace(); p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return fmt.Errorf("%s: missing )", strings.Join(path, "/"))
		}
		p.pos++
	}
	fs.add(path, sub)
	return nil
}

func (p *fieldsParser) name() string {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c != '_' && c != '*' && (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *fieldsParser) skipSpace() {
	for p.pos < len(p.s) && p.s[p.pos] == ' ' {
		p.pos++
	}
}

// add merges the selection path(sub) into fs; a whole member absorbs any
// narrower selection of it.
func (fs fieldSet) add(path []string, sub fieldSet) {
	cur := fs
	for _, name := range path[:len(path)-1] {
		next, ok := cur[name]
		if ok && next == nil {
			return
		}
		if !ok {
			next = fieldSet{}
			cur[name] = next
		}
		cur = next
	}
	last := path[len(path)-1]
	have, ok := cur[last]
	switch {
	case ok && have == nil:
	case sub == nil || !ok:
		cur[last] = sub
	default:
		for k, v := range sub {
			have.add([]string{k}, v)
		}
	}
}

// checkFields returns an error naming the first member t does not have.
func checkFields(fs fieldSet, t reflect.Type) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Map {
		return nil // appProperties/key: any key may be asked for
	}
	for name, sub := range fs {
		if name == "*" {
			continue
		}
		f, ok := fieldByJSON(t, name)
		if !ok {
			return fmt.Errorf("%s", name)
		}
		if sub != nil {
			if err := checkFields(sub, f.Type); err != nil {
				return fmt.Errorf("%s/%w", name, err)
			}
		}
	}
	return nil
}

func fieldByJSON(t reflect.Type, name string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := range t.NumField() {
		if f := t.Field(i); jsonName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// apply keeps the selected members of v, a tree of maps and slices.
func (fs fieldSet) apply(v any) any {
	if fs == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		if _, all := fs["*"]; all {
			for k, val := range x {
				out[k] = val
			}
		}
		for k, sub := range fs {
			if val, ok := x[k]; ok && k != "*" {
				out[k] = sub.apply(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fs.apply(e)
		}
		return out
	}
	return v
}
