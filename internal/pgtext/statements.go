package pgtext

import "strings"

// Statements splits SQL into its statements as PostgreSQL reads them: a
// ";" ends one only outside quoted strings (”, E” with backslash
// escapes, $tag$…$tag$), quoted identifiers and comments (--, nested
// /* */). Each statement runs from the end of the one before (white space
// trimmed: comments before it stay) to its last token: the ";", and
// comments and white space after, are dropped. Statements of no token
// (";;", a comment alone) are left out.
func Statements(sql string) []string {
	var out []string
	start, end := 0, -1 // end: just after the last token of the statement begun at start
	for i := 0; i < len(sql); {
		c := sql[i]
		next := i + 1
		token := true
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			token = false
		case c == ';':
			if end > start {
				out = append(out, strings.TrimSpace(sql[start:end]))
			}
			start, end, token = next, -1, false
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			next, token = skipLine(sql, i), false
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			next, token = skipBlock(sql, i), false
		case c == '\'':
			escapes := i > 0 && (sql[i-1] == 'E' || sql[i-1] == 'e') && (i < 2 || !isIdent(sql[i-2]))
			next = skipQuoted(sql, i, '\'', escapes)
		case c == '"':
			next = skipQuoted(sql, i, '"', false)
		case c == '$' && (i == 0 || !isIdent(sql[i-1])):
			next = skipDollar(sql, i)
		}
		if token {
			end = next
		}
		i = next
	}
	if end > start {
		out = append(out, strings.TrimSpace(sql[start:end]))
	}
	return out
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
