package pgtext

import "strings"

// JSONArrayType reports whether typ, a type as format_type prints it, is
// an array of json or jsonb ("jsonb[]", "json[]"; PostgreSQL prints a
// column of several dimensions with one pair of brackets). A domain over
// such an array, or an array of a domain over json, is not recognised:
// its name says nothing of its base type.
func JSONArrayType(typ string) bool {
	elem, ok := strings.CutSuffix(typ, "[]")
	if !ok {
		return false
	}
	for {
		e, ok := strings.CutSuffix(elem, "[]")
		if !ok {
			break
		}
		elem = e
	}
	return elem == "json" || elem == "jsonb"
}

// IsArrayLiteral reports whether v, an array as a Source renders it with
// RowsOptions.ArraysAsJSON, is PostgreSQL's array literal ("{1,2}",
// "[0:2]={7,8,9}") rather than to_json's JSON array ("[1,2]"). Only the
// start of v is looked at: a literal with bounds starts with "[" and a
// bound such as "-1:" or "0:", which no JSON array can.
func IsArrayLiteral(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	if v[0] == '{' {
		return true
	}
	if v[0] != '[' {
		return false
	}
	i := 1
	if i < len(v) && v[i] == '-' {
		i++
	}
	digits := i
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	return i > digits && i < len(v) && v[i] == ':'
}
