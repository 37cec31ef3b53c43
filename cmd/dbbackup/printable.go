package main

import (
	"strconv"
	"strings"
	"unicode"
)

// printable escapes the control characters in a name before it goes to a
// terminal, as Go escapes them in a quoted string (\r, \n, \x1b): a table
// or file name must not move the cursor, clear the screen or forge a line
// of the output. Other characters are left as they are.
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// orDash is s, or "-" for nothing known.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
