package sheets

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The official client sends a request body as encoding/json writes it,
// HTML escaping included. jsonSize predicts the bytes a cell takes there,
// without encoding it, so that requests can be cut under Google's
// recommended 2 MB as rows are added.
func jsonSize(v any) int {
	switch x := v.(type) {
	case nil:
		return 4
	case bool:
		if x {
			return 4
		}
		return 5
	case json.Number:
		return len(x)
	case string:
		return jsonStringSize(x)
	}
	b, _ := json.Marshal(v)
	return len(b)
}

// rowSize is the bytes of a row in a values array, with its brackets and
// the comma that separates it from the next.
func rowSize(row []any) int {
	n := 2 + len(row) // brackets, commas, and the comma after the row
	for _, v := range row {
		n += jsonSize(v)
	}
	return n
}

// jsonStringSize is the length of s as a JSON string the way
// encoding/json escapes it (see encoding/json's appendString).
func jsonStringSize(s string) int {
	n := 2
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			switch {
			case b == '"' || b == '\\' || b == '\b' || b == '\f' || b == '\n' || b == '\r' || b == '\t':
				n += 2
			case b < 0x20 || b == '<' || b == '>' || b == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// formatFloat is the shortest text that reads back as f.
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
