package xlsx

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
)

// maxSheetName is Excel's limit on a sheet name, in UTF-16 code units.
const maxSheetName = 31

// sheetNamer hands out sheet names that Excel accepts: at most 31
// characters, none of []:*?/\, not starting or ending with an apostrophe,
// and unique in the workbook ignoring case.
type sheetNamer struct {
	used map[string]bool // lower-cased names taken
}

func newSheetNamer() *sheetNamer {
	// Excel reserves "History" for its change tracking.
	return &sheetNamer{used: map[string]bool{"history": true}}
}

// tableNames returns the first sheet name of each table: the table's name
// when no other table in the set has it (ignoring case), else
// schema.table. Naming every table up front keeps a table's name the same
// whether or not an earlier table needs continuation sheets.
func (n *sheetNamer) tableNames(tables []dbbackup.Table) []string {
	count := make(map[string]int, len(tables))
	for _, t := range tables {
		count[strings.ToLower(t.Name)]++
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		name := t.Name
		if count[strings.ToLower(t.Name)] > 1 {
			name = t.Schema + "." + t.Name
		}
		names[i] = n.take(sanitizeSheetName(name), "")
	}
	return names
}

// continuation returns the name of the part-th sheet of a table whose
// first sheet is base: "base (2)", "base (3)", ….
func (n *sheetNamer) continuation(base string, part int) string {
	return n.take(base, " ("+strconv.Itoa(part)+")")
}

// take returns name+suffix, cut to fit, made unique with "~2", "~3", … when
// it is taken, and records it.
func (n *sheetNamer) take(name, suffix string) string {
	for i := 1; ; i++ {
		sfx := suffix
		if i > 1 {
			sfx += "~" + strconv.Itoa(i)
		}
		cand := cutUTF16(name, maxSheetName-utf16Len(sfx))
		if sfx == "" && strings.HasSuffix(cand, "'") {
			cand = cand[:len(cand)-1] + "_"
		}
		cand += sfx
		if key := strings.ToLower(cand); !n.used[key] {
			n.used[key] = true
			return cand
		}
	}
}

// sanitizeSheetName replaces what Excel forbids in a sheet name, and what
// XML cannot hold, with '_'.
func sanitizeSheetName(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r), r < 0x20, r == 0xFFFE, r == 0xFFFF,
			r == utf8.RuneError, i == 0 && r == '\'':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// cutUTF16 returns the longest prefix of s that is at most n UTF-16 code
// units long, never splitting a character.
func cutUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if units+w > n {
			return s[:i]
		}
		units += w
	}
	return s
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}
