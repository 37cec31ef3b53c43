package sheets

import (
	"strings"
	"testing"
)

func TestOneStatement(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"SELECT 1", "SELECT 1", ""},
		{"SELECT 1;", "SELECT 1", ""},
		{"SELECT 1 ; ;\n", "SELECT 1", ""},
		{"SELECT 1; -- top ten", "SELECT 1", ""},
		{"SELECT 1 -- no semicolon", "SELECT 1", ""},
		{"SELECT 1 /* a /* nested */ comment */ ;", "SELECT 1", ""},
		{"-- first\nSELECT 1", "-- first\nSELECT 1", ""},
		{"SELECT ';' AS x;", "SELECT ';' AS x", ""},
		{"SELECT 'it''s; fine'", "SELECT 'it''s; fine'", ""},
		{`SELECT E'a\'; b'`, `SELECT E'a\'; b'`, ""},
		{`SELECT 'a\'; SELECT 2`, "", "more than one"}, // standard strings: the backslash is a character
		{`SELECT "a;b" FROM t`, `SELECT "a;b" FROM t`, ""},
		{"SELECT $$a; b$$, $x$ $$; $x$", "SELECT $$a; b$$, $x$ $$; $x$", ""},
		{"SELECT 1; SELECT 2", "", "more than one"},
		{"SELECT 1; DELETE FROM t", "", "more than one"},
		{" ;-- nothing", "", "empty"},
	} {
		got, err := oneStatement(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: got %q, %v; want an error about %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
