package googlefake

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// skipped marks a JSON null in a write: Google leaves that cell as it was
// ("Null values will be skipped. To set a cell to an empty value, set the
// string value to an empty string.").
type skippedCell struct{}

var skipped any = skippedCell{}

// tooLong is Google's refusal of a cell over 50,000 characters; it names
// no cell.
const tooLong = "Your input contains more than the maximum of 50000 characters in a single cell."

// inputGrid turns a ValueRange's values into cells, row by row: with
// majorDimension COLUMNS each inner array is a column. Every value is
// checked as Google checks it, and a failure names it by its place in the
// body (values[i][j]).
func inputGrid(values [][]any, columns, userEntered bool) ([][]any, *Failure) {
	var grid [][]any
	for i, inner := range values {
		for j, v := range inner {
			cell, fail := inputCell(v, userEntered)
			if fail == tooLong {
				f := sheetsInvalid("%s", tooLong)
				return nil, &f
			}
			if fail != "" {
				f := sheetsInvalid("Invalid values[%d][%d]: %s", i, j, fail)
				return nil, &f
			}
			r, c := i, j
			if columns {
				r, c = j, i
			}
			for len(grid) <= r {
				grid = append(grid, nil)
			}
			for len(grid[r]) <= c {
				grid[r] = append(grid[r], skipped)
			}
			grid[r][c] = cell
		}
	}
	return grid, nil
}

// inputCell is what one written value becomes. RAW keeps a string a
// string, "=HYPERLINK(…)" included; USER_ENTERED parses it as typing it
// into the UI would (formula, number, percentage, boolean, a leading
// apostrophe forcing text). Dates typed as text are not parsed by the
// fake: they stay text. An empty string empties the cell.
func inputCell(v any, userEntered bool) (any, string) {
	switch x := v.(type) {
	case nil:
		return skipped, ""
	case bool, float64:
		return x, ""
	case string:
		if n := utf8.RuneCountInString(x); n > maxCellChars {
			return nil, tooLong
		}
		if x == "" {
			return nil, ""
		}
		if userEntered {
			return parseUserEntered(x), ""
		}
		return x, ""
	case map[string]any:
		return nil, "struct_value"
	case []any:
		return nil, "list_value"
	}
	return nil, "unsupported value"
}

func parseUserEntered(s string) any {
	switch {
	case len(s) > 1 && s[0] == '=':
		return Formula(s)
	case s[0] == '\'':
		if s == "'" {
			return nil
		}
		return s[1:]
	case strings.EqualFold(s, "TRUE"):
		return true
	case strings.EqualFold(s, "FALSE"):
		return false
	}
	t := strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(t, "%"); ok {
		if f, err := strconv.ParseFloat(p, 64); err == nil && !math.IsInf(f, 0) {
			return f / 100
		}
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) &&
		!strings.ContainsAny(t, "xXpPnN_") { // not hex, Inf, NaN or Go's digit separators
		return f
	}
	return s
}

// Value render options.
const (
	renderFormatted   = "FORMATTED_VALUE"
	renderUnformatted = "UNFORMATTED_VALUE"
	renderFormula     = "FORMULA"
)

// renderCell is a cell as values.get returns it. FORMATTED_VALUE gives
// strings; the fake formats numbers plainly (no number formats, no
// locale), so tests that compare numbers read UNFORMATTED_VALUE. Formulas
// are not evaluated: every option returns their text.
func renderCell(v any, option string) any {
	switch x := v.(type) {
	case nil:
		return ""
	case Formula:
		return string(x)
	case float64:
		if option == renderFormatted {
			return formatNumber(x)
		}
		return x
	case bool:
		if option == renderFormatted {
			if x {
				return "TRUE"
			}
			return "FALSE"
		}
		return x
	}
	return v
}

func formatNumber(f float64) string {
	if math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strings.ToUpper(strconv.FormatFloat(f, 'E', 5, 64))
}

// readValues is the data of a's cells as values.get returns it: empty
// cells inside as "", trailing empty cells of each row (or column) and
// trailing empty rows (or columns) left out.
func readValues(a a1, option string, columns bool) [][]any {
	r1, c1, r2, c2 := a.bounds()
	outer, inner := r2-r1, c2-c1
	at := func(i, j int) any { return a.t.get(r1+i, c1+j) }
	if columns {
		outer, inner = inner, outer
		at = func(i, j int) any { return a.t.get(r1+j, c1+i) }
	}
	var out [][]any
	last := -1
	for i := 0; i < outer; i++ {
		var line []any
		end := 0
		for j := 0; j < inner; j++ {
			v := at(i, j)
			if v != nil {
				end = j + 1
			}
			if !columns && r1+i >= len(a.t.cells) {
				break
			}
			line = append(line, v)
		}
		line = line[:end]
		vals := make([]any, len(line))
		for j, v := range line {
			vals[j] = renderCell(v, option)
		}
		out = append(out, vals)
		if len(vals) > 0 {
			last = i
		}
	}
	return out[:last+1]
}

// validEnum checks an enum query parameter as Google's front end does;
// empty takes the default.
func validEnum(q map[string][]string, name, protoName, typ string, allowed ...string) (string, *Failure) {
	vs := q[name]
	if len(vs) == 0 || vs[0] == "" {
		return "", nil
	}
	for _, a := range allowed {
		if vs[0] == a {
			return a, nil
		}
	}
	f := sheetsInvalid("Invalid value at '%s' (type.googleapis.com/google.apps.sheets.v4.%s), %q", protoName, typ, vs[0])
	return "", &f
}
