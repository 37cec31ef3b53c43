package googlefake

import (
	"reflect"
	"strings"
)

// parseMask reads a FieldMask as the batchUpdate requests take it:
// comma-separated dotted paths, with Sheets' shorthand a(b,c) for a.b,a.c.
// "*" stays "*".
func parseMask(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] == '(' {
			depth++
		}
		if i < len(s) && s[i] == ')' {
			depth--
		}
		if i < len(s) && (s[i] != ',' || depth > 0) {
			continue
		}
		item := strings.TrimSpace(s[start:i])
		start = i + 1
		if item == "" {
			continue
		}
		head, inner, nested := strings.Cut(item, "(")
		if !nested {
			out = append(out, strings.ReplaceAll(item, "/", "."))
			continue
		}
		for _, sub := range parseMask(strings.TrimSuffix(inner, ")")) {
			out = append(out, strings.TrimSpace(head)+"."+sub)
		}
	}
	return out
}

// checkMask reports the first path that t (a type of the official
// client, whose JSON names are Google's) does not have.
func checkMask(paths []string, t reflect.Type) (string, bool) {
	for _, p := range paths {
		if p == "*" {
			continue
		}
		cur := t
		for _, name := range strings.Split(p, ".") {
			for cur.Kind() == reflect.Pointer || cur.Kind() == reflect.Slice {
				cur = cur.Elem()
			}
			f, ok := fieldByJSON(cur, name)
			if !ok {
				return p, false
			}
			cur = f.Type
		}
	}
	return "", true
}

// maskFailure is how a request with a bad or missing mask is refused.
func maskFailure(fields string, t reflect.Type) *Failure {
	if strings.TrimSpace(fields) == "" {
		f := sheetsInvalid("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
		return &f
	}
	if bad, ok := checkMask(parseMask(fields), t); !ok {
		f := sheetsInvalid("Invalid field mask: %q is not a field of %s", bad, t.Name())
		return &f
	}
	return nil
}

// maskSet is a mask as a set; "*" selects every path.
func maskSet(fields string) map[string]bool {
	set := map[string]bool{}
	for _, p := range parseMask(fields) {
		set[p] = true
	}
	return set
}

// lookupPath finds a dotted path in a JSON object.
func lookupPath(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, name := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[name]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// setPath sets (or, for a missing value, deletes) a dotted path in m,
// making the objects on the way.
func setPath(m map[string]any, path string, v any, present bool) {
	names := strings.Split(path, ".")
	for _, name := range names[:len(names)-1] {
		next, ok := m[name].(map[string]any)
		if !ok {
			if !present {
				return
			}
			next = map[string]any{}
			m[name] = next
		}
		m = next
	}
	if present {
		m[names[len(names)-1]] = v
	} else {
		delete(m, names[len(names)-1])
	}
}
