package csv

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
)

// entryNames returns each table's zip entry name, "schema.table.csv", made
// safe to extract on any system. PostgreSQL allows almost anything in a
// name, so:
//
//   - '/' and '\' (path separators), the characters Windows forbids in file
//     names (< > : " | ? *), control characters and invalid UTF-8 become '_';
//   - leading dots become '_', so no entry is hidden or reaches a parent
//     directory;
//   - a name equal to an earlier one ignoring case (Windows and macOS file
//     systems ignore it) gets " (2)", " (3)", … before ".csv", the first
//     free number in table order.
//
// Everything else, Cyrillic included, is kept: archive/zip marks non-ASCII
// names as UTF-8.
func entryNames(tables []dbbackup.Table) []string {
	names := make([]string, len(tables))
	taken := make(map[string]bool, len(tables))
	for i, t := range tables {
		base := safeName(t.Schema + "." + t.Name)
		name := base + ".csv"
		for n := 2; taken[strings.ToLower(name)]; n++ {
			name = base + " (" + strconv.Itoa(n) + ").csv"
		}
		taken[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

func safeName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	leading := true
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		switch {
		case leading && r == '.',
			r == utf8.RuneError && size == 1,
			unicode.IsControl(r),
			strings.ContainsRune(`/\<>:"|?*`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
		leading = leading && r == '.'
	}
	return b.String()
}
