package googlefake

import (
	"strconv"
	"strings"
	"unicode"
)

// a1 is a parsed A1 reference on one tab: rows and columns 0-based, ends
// exclusive, -1 for an end left open (it runs to the grid's edge).
type a1 struct {
	t              *tab
	r1, c1, r2, c2 int
	cell           bool // one cell ("A1"): where a write starts, not a bound
	whole          bool // the tab's title alone
}

// parseRange resolves an A1 range as Sheets does: 'Quoted title'!A1:B2
// (a quote inside doubled), Title!A:B, 1:3, A2:C (rows open), a title
// alone (the whole tab) or cells alone (on the first visible tab). Titles
// match without case. An unquoted title may hold letters, digits, '_' and
// spaces only: Google refuses "Items & Stock!A1" unquoted, and the fake
// refuses every punctuation mark rather than guess which ones it minds.
// Any failure is Google's 400 "Unable to parse range: <as written>".
func (b *spreadsheet) parseRange(s string) (a1, *Failure) {
	bad := func() (a1, *Failure) {
		f := sheetsInvalid("Unable to parse range: %s", s)
		return a1{}, &f
	}
	title, cells, named, ok := splitRange(s)
	if !ok {
		return bad()
	}
	var t *tab
	switch {
	case named:
		t = b.tabByTitle(title)
	case b.tabByTitle(s) != nil:
		t, cells = b.tabByTitle(s), ""
	default:
		t = b.firstVisible()
	}
	if t == nil {
		return bad()
	}
	if cells == "" {
		return a1{t: t, r2: -1, c2: -1, whole: true}, nil
	}
	a, ok := parseCells(cells)
	if !ok {
		return bad()
	}
	a.t = t
	return a, nil
}

// splitRange separates the title from the cells; named is false when s
// has no title part (and may itself be a title, or cells).
func splitRange(s string) (title, cells string, named, ok bool) {
	if strings.HasPrefix(s, "'") {
		var sb strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] != '\'' {
				sb.WriteByte(s[i])
				continue
			}
			if i+1 < len(s) && s[i+1] == '\'' {
				sb.WriteByte('\'')
				i++
				continue
			}
			rest := s[i+1:]
			if rest == "" {
				return sb.String(), "", true, true
			}
			cells, ok := strings.CutPrefix(rest, "!")
			return sb.String(), cells, true, ok && cells != ""
		}
		return "", "", false, false
	}
	i := strings.LastIndexByte(s, '!')
	if i < 0 {
		return "", s, false, true
	}
	title, cells = s[:i], s[i+1:]
	for _, r := range title {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != ' ' {
			return "", "", false, false
		}
	}
	return title, cells, true, title != "" && cells != ""
}

// parseCells reads "A1", "A1:B2", "A:B", "1:2", "A2:B" and the like; '$'
// is ignored and reversed corners are put in order, as Sheets does.
func parseCells(s string) (a1, bool) {
	s = strings.ReplaceAll(s, "$", "")
	from, to, pair := strings.Cut(s, ":")
	r1, c1, ok1 := parseCorner(from)
	if !pair {
		return a1{r1: r1, c1: c1, r2: r1 + 1, c2: c1 + 1, cell: true}, ok1 && r1 >= 0 && c1 >= 0
	}
	r2, c2, ok2 := parseCorner(to)
	if !ok1 || !ok2 {
		return a1{}, false
	}
	a := a1{r1: max(r1, 0), c1: max(c1, 0), r2: -1, c2: -1}
	if r2 >= 0 {
		a.r2 = r2 + 1
	}
	if c2 >= 0 {
		a.c2 = c2 + 1
	}
	if a.r2 >= 0 && a.r2 <= a.r1 {
		a.r1, a.r2 = a.r2-1, a.r1+1
	}
	if a.c2 >= 0 && a.c2 <= a.c1 {
		a.c1, a.c2 = a.c2-1, a.c1+1
	}
	return a, true
}

// parseCorner reads column letters and a 1-based row, either of which may
// be missing (-1), not both.
func parseCorner(s string) (row, col int, ok bool) {
	i := 0
	for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z') {
		i++
	}
	letters, digits := strings.ToUpper(s[:i]), s[i:]
	row, col = -1, -1
	if letters == "" && digits == "" || len(letters) > 3 {
		return 0, 0, false
	}
	if letters != "" {
		col = 0
		for _, c := range letters {
			col = col*26 + int(c-'A'+1)
		}
		col--
	}
	if digits != "" {
		n, err := strconv.Atoi(digits)
		if err != nil || n < 1 || n > 1<<30 {
			return 0, 0, false
		}
		row = n - 1
	}
	return row, col, true
}

// colName is the letters of a 0-based column: 0 → A, 26 → AA.
func colName(c int) string {
	var b []byte
	for c++; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b)
}

// quoteTitle writes a title as Sheets does in the ranges it returns:
// quoted when it is not a plain word, or when it could be read as a cell
// (tab01) or an R1C1 reference.
func quoteTitle(title string) string {
	plain := title != "" && !(title[0] >= '0' && title[0] <= '9')
	for _, r := range title {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			plain = false
		}
	}
	if _, _, ok := parseCorner(title); ok && plain {
		plain = false
	}
	if u := strings.ToUpper(title); plain && strings.HasPrefix(u, "R") && strings.Contains(u, "C") &&
		strings.Trim(u, "RC0123456789") == "" {
		plain = false
	}
	if plain {
		return title
	}
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

// bounds are a's ends with open ones closed at the grid's edge.
func (a a1) bounds() (r1, c1, r2, c2 int) {
	r2, c2 = a.r2, a.c2
	if r2 < 0 || a.whole {
		r2 = a.t.rows
	}
	if c2 < 0 || a.whole {
		c2 = a.t.cols
	}
	return a.r1, a.c1, r2, c2
}

// String is a as Sheets returns it: title, then corners closed at the
// grid's edge ("Sheet1!A1:Z1000", "Sheet1!B2").
func (a a1) String() string {
	r1, c1, r2, c2 := a.bounds()
	return spanString(a.t.title, r1, c1, r2, c2)
}

func spanString(title string, r1, c1, r2, c2 int) string {
	s := quoteTitle(title) + "!" + colName(c1) + strconv.Itoa(r1+1)
	if r2-r1 != 1 || c2-c1 != 1 {
		s += ":" + colName(c2-1) + strconv.Itoa(r2)
	}
	return s
}

// spec is a as requested, open ends left open ("Sheet1!A2:C"), for the
// messages that quote the caller's range.
func (a a1) spec() string {
	if a.whole {
		return quoteTitle(a.t.title)
	}
	if a.cell || a.r2 >= 0 && a.c2 >= 0 {
		return spanString(a.t.title, a.r1, a.c1, a.r2, a.c2)
	}
	corner := func(r, c int) string {
		s := ""
		if c >= 0 {
			s = colName(c)
		}
		if r >= 0 {
			s += strconv.Itoa(r + 1)
		}
		return s
	}
	r1, c1 := a.r1, a.c1
	if a.r2 < 0 && a.r1 == 0 && a.c2 >= 0 {
		r1 = -1 // "A:B", not "A1:B"
	}
	if a.c2 < 0 && a.c1 == 0 && a.r2 >= 0 {
		c1 = -1 // "1:2"
	}
	r2, c2 := a.r2-1, a.c2-1
	if a.r2 < 0 {
		r2 = -1
	}
	if a.c2 < 0 {
		c2 = -1
	}
	return quoteTitle(a.t.title) + "!" + corner(r1, c1) + ":" + corner(r2, c2)
}

// checkGrid refuses a range whose explicit corners lie outside the grid,
// with Google's message: `Range (Sheet1!A1001) exceeds grid limits. Max
// rows: 1000, max columns: 26`. Reads and writes alike get it.
func (a a1) checkGrid() *Failure {
	if a.whole {
		return nil
	}
	t := a.t
	if a.r1 >= t.rows || a.c1 >= t.cols || a.r2 > t.rows || a.c2 > t.cols {
		f := gridFailure(a.spec(), t)
		return &f
	}
	return nil
}

func gridFailure(rng string, t *tab) Failure {
	return sheetsInvalid("Range (%s) exceeds grid limits. Max rows: %d, max columns: %d", rng, t.rows, t.cols)
}
