package json

import (
	"encoding/base64"
	stdjson "encoding/json"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// appendValue appends v, PostgreSQL's text form of a value of kind k (nil
// for NULL), as JSON. ok is false when v was not in the form k promises and
// was written as a string instead.
func (e *encoder) appendValue(b []byte, k dbbackup.Kind, v []byte) (_ []byte, ok bool) {
	if v == nil {
		return append(b, "null"...), true
	}
	switch k {
	case dbbackup.KindInt, dbbackup.KindFloat, dbbackup.KindNumeric:
		if pgtext.IsFiniteNumber(v) {
			return append(b, v...), true
		}
		switch string(v) {
		case "NaN", "Infinity", "-Infinity":
			return appendString(b, v), k != dbbackup.KindInt
		}
	case dbbackup.KindBool:
		switch string(v) {
		case "t":
			return append(b, "true"...), true
		case "f":
			return append(b, "false"...), true
		}
	case dbbackup.KindJSON:
		// The server only stores valid JSON.
		if len(v) > 0 {
			if wrapJSON(v) {
				b = append(append(b, wrapOpen...), v...)
				return append(b, '}'), true
			}
			return append(b, v...), true
		}
	case dbbackup.KindArray:
		// With RowsOptions.ArraysAsJSON an array is to_json's JSON array or,
		// when that would lose something, the array literal, written as a
		// string.
		if pgtext.IsArrayLiteral(v) {
			return appendString(b, v), true
		}
		if len(v) > 0 && v[0] == '[' {
			return append(b, v...), true
		}
	case dbbackup.KindBytea:
		raw, err := pgtext.AppendBytea(e.scratch[:0], v)
		if err == nil {
			e.scratch = raw
			if cap(raw) > 1<<20 {
				e.scratch = nil // one huge value need not stay in memory
			}
			b = append(b, '"')
			return append(base64.StdEncoding.AppendEncode(b, raw), '"'), true
		}
	case dbbackup.KindDate, dbbackup.KindTimestamp, dbbackup.KindTimestampTZ, dbbackup.KindTime, dbbackup.KindTimeTZ:
		if t, err := parseTime(k, v); err == nil {
			b = append(b, '"')
			return append(t.AppendRFC3339(b), '"'), true
		}
	default:
		return appendString(b, v), true
	}
	return appendString(b, v), false
}

func parseTime(k dbbackup.Kind, v []byte) (pgtext.Timestamp, error) {
	switch k {
	case dbbackup.KindDate:
		return pgtext.ParseDate(v)
	case dbbackup.KindTime, dbbackup.KindTimeTZ:
		return pgtext.ParseTime(v)
	}
	return pgtext.ParseTimestamp(v)
}

// safe marks the ASCII bytes a JSON string holds as they are.
var safe = func() (s [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		s[c] = c != '"' && c != '\\'
	}
	return s
}()

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped exactly as encoding/json
// with SetEscapeHTML(false) does (the document is not HTML):
// quotes, backslashes and control characters are escaped, U+2028 and
// U+2029 too (JavaScript once read them as line ends), and invalid UTF-8
// becomes U+FFFD, so the document is valid UTF-8 whatever the input.
func appendString(b, s []byte) []byte {
	b = append(b, '"')
	return append(appendEscaped(b, s), '"')
}

// appendEscaped appends s escaped for a JSON string, without the quotes.
func appendEscaped(b, s []byte) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		// Two-byte runes (Cyrillic, Greek, …) never need escaping: skip the
		// general decoder for them, they fill much of the text in some
		// databases.
		if c >= 0xc2 && c <= 0xdf && i+1 < len(s) && s[i+1]&0xc0 == 0x80 {
			i += 2
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// wrapOpen starts a json value written wrapped; a '}' ends it.
const wrapOpen = `{"$json":`

// wrapJSON reports whether the json value v must be written wrapped in
// {"$json": v} to be told apart: a JSON null, which would read as SQL
// NULL, and an object whose first member is "$json", which would read as
// a wrapped value. v need only hold the value's start.
func wrapJSON(v []byte) bool {
	i := skipSpace(v, 0)
	if i == len(v) {
		return false
	}
	switch v[i] {
	case 'n':
		return string(v[i:skipSpaceBack(v)]) == "null"
	case '{':
	default:
		return false
	}
	i = skipSpace(v, i+1)
	if i == len(v) || v[i] != '"' {
		return false
	}
	// The key ends at the first quote not escaped; only a key with
	// escapes needs decoding.
	escaped := false
	for j := i + 1; j < len(v); j++ {
		switch v[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return string(v[i+1:j]) == "$json"
			}
			var key string
			return stdjson.Unmarshal(v[i:j+1], &key) == nil && key == "$json"
		}
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(v []byte, i int) int {
	for i < len(v) && isSpace(v[i]) {
		i++
	}
	return i
}

func skipSpaceBack(v []byte) int {
	n := len(v)
	for n > 0 && isSpace(v[n-1]) {
		n--
	}
	return n
}
