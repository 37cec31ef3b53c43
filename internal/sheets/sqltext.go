package sheets

import (
	"errors"
	"strings"
)

// oneStatement returns query without what ends it — semicolons, white
// space and comments — so that it can be wrapped in a CTE, and refuses a
// text of more than one statement. It reads PostgreSQL's lexical
// structure only as far as needed to tell where a statement ends: quoted
// strings (”, E” with backslash escapes, $tag$…$tag$), quoted
// identifiers and comments (--, nested /* */).
func oneStatement(query string) (string, error) {
	end := 0       // just after the last token of the first statement
	ended := false // a top-level semicolon was seen
	for i := 0; i < len(query); {
		c := query[i]
		next := i + 1
		token := true
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			token = false
		case c == ';':
			ended, token = true, false
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			next, token = skipLine(query, i), false
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			next, token = skipBlock(query, i), false
		case c == '\'':
			escapes := i > 0 && (query[i-1] == 'E' || query[i-1] == 'e') && (i < 2 || !isIdent(query[i-2]))
			next = skipQuoted(query, i, '\'', escapes)
		case c == '"':
			next = skipQuoted(query, i, '"', false)
		case c == '$' && (i == 0 || !isIdent(query[i-1])):
			next = skipDollar(query, i)
		}
		if token {
			if ended {
				return "", errors.New("the query holds more than one statement: a sync runs one SELECT")
			}
			end = next
		}
		i = next
	}
	if end == 0 {
		return "", errors.New("the query is empty")
	}
	return query[:end], nil
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func skipLine(q string, i int) int {
	if j := strings.IndexByte(q[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(q)
}

// skipBlock skips a block comment; they nest in PostgreSQL.
func skipBlock(q string, i int) int {
	depth := 0
	for i < len(q) {
		switch {
		case strings.HasPrefix(q[i:], "/*"):
			depth++
			i += 2
		case strings.HasPrefix(q[i:], "*/"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return len(q)
}

// skipQuoted skips a string or identifier opened by quote at i; a doubled
// quote stands for one, and with escapes a backslash escapes what follows.
func skipQuoted(q string, i int, quote byte, escapes bool) int {
	for i++; i < len(q); i++ {
		switch {
		case escapes && q[i] == '\\':
			i++
		case q[i] == quote && i+1 < len(q) && q[i+1] == quote:
			i++
		case q[i] == quote:
			return i + 1
		}
	}
	return len(q)
}

// skipDollar skips a dollar-quoted string ($$…$$, $tag$…$tag$) at i; a
// $ that opens none (a parameter, $1) is one character.
func skipDollar(q string, i int) int {
	j := i + 1
	for j < len(q) && q[j] != '$' && isIdent(q[j]) && !(j == i+1 && q[j] >= '0' && q[j] <= '9') {
		j++
	}
	if j >= len(q) || q[j] != '$' {
		return i + 1
	}
	tag := q[i : j+1]
	if k := strings.Index(q[j+1:], tag); k >= 0 {
		return j + 1 + k + len(tag)
	}
	return len(q)
}
