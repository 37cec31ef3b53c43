package sheets

import (
	"strconv"
	"strings"
)

// A1 notation, as the values calls take ranges.

// columnName returns the letters of column i (0-based): A … Z, AA, ….
func columnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// quoteTitle quotes a tab's title for a range: always, so that a title
// that looks like a cell ("A1", "R1C1") or holds spaces is never misread;
// a quote inside is doubled.
func quoteTitle(title string) string {
	return "'" + strings.ReplaceAll(title, "'", "''") + "'"
}

// cellRange is "'title'!A5": where a values.update starts writing.
func cellRange(title string, col, row int) string {
	return quoteTitle(title) + "!" + columnName(col) + strconv.Itoa(row)
}

// rowsRange is "'title'!A5:F9", rows first to last (1-based) of columns
// [0, cols).
func rowsRange(title string, first, last, cols int) string {
	return quoteTitle(title) + "!A" + strconv.Itoa(first) + ":" + columnName(cols-1) + strconv.Itoa(last)
}

// belowRange is "'title'!A5:F": rows from first down to the grid's end.
func belowRange(title string, first, cols int) string {
	return quoteTitle(title) + "!A" + strconv.Itoa(first) + ":" + columnName(cols-1)
}

// columnsRange is "'title'!A:F", whole columns: where values.append looks
// for the table to add rows below.
func columnsRange(title string, cols int) string {
	return quoteTitle(title) + "!A:" + columnName(cols-1)
}

// spanRows reads the first and last row of a range Google answered, such
// as "'My tab'!A1001:F1500" or "Data!B7"; ok is false if it has none.
func spanRows(rng string) (first, last int, ok bool) {
	if i := strings.LastIndexByte(rng, '!'); i >= 0 {
		rng = rng[i+1:]
	}
	a, b, two := strings.Cut(rng, ":")
	if first, ok = rowOf(a); !ok {
		return 0, 0, false
	}
	if !two {
		return first, first, true
	}
	last, ok = rowOf(b)
	return first, last, ok
}

func rowOf(cell string) (int, bool) {
	i := strings.IndexFunc(cell, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(cell[i:])
	return n, err == nil && n > 0
}
