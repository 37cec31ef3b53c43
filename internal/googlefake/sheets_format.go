package googlefake

import (
	"strings"
	"unicode/utf8"
)

// formatRun records a repeatCell or updateCells write of cell fields other
// than the value (formats, notes) over a block of cells; later runs win.
// Runs stay where they were written when rows or columns are inserted or
// deleted: the fake does not move formats (Google does).
type formatRun struct {
	r1, c1, r2, c2 int
	paths          []string // mask paths ("userEnteredFormat.textFormat.bold"), or "*"
	cell           map[string]any
}

// applyCellData writes one CellData over a block as repeatCell and
// updateCells do: the value when the mask covers userEnteredValue, the
// other selected fields as a format run.
func (t *tab) applyCellData(r1, c1, r2, c2 int, cell map[string]any, paths []string) *Failure {
	var rest []string
	setValue := false
	for _, p := range paths {
		switch {
		case p == "*":
			setValue = true
			rest = append(rest, p)
		case p == "userEnteredValue" || strings.HasPrefix(p, "userEnteredValue."):
			setValue = true
		default:
			rest = append(rest, p)
		}
	}
	t.own()
	if setValue {
		v, fail := extendedValue(cell["userEnteredValue"])
		if fail != nil {
			return fail
		}
		for r := r1; r < r2; r++ {
			for c := c1; c < c2; c++ {
				t.set(r, c, v)
			}
		}
	}
	if len(rest) > 0 {
		t.formats = append(t.formats, formatRun{r1: r1, c1: c1, r2: r2, c2: c2, paths: rest, cell: cell})
	}
	return nil
}

// extendedValue is the cell an ExtendedValue stands for. A stringValue
// stays text whatever it starts with; formulaValue is a formula.
func extendedValue(v any) (any, *Failure) {
	m, _ := v.(map[string]any)
	for k, x := range m {
		switch k {
		case "stringValue", "formulaValue":
			s, _ := x.(string)
			if utf8.RuneCountInString(s) > maxCellChars {
				f := sheetsInvalid("%s", tooLong)
				return nil, &f
			}
			if k == "formulaValue" {
				return Formula(s), nil
			}
			if s == "" {
				return nil, nil
			}
			return s, nil
		case "numberValue", "boolValue":
			return x, nil
		case "errorValue":
			f := sheetsUnimplemented("errorValue")
			return nil, &f
		}
	}
	return nil, nil
}

// cellFields is what the format runs say about one cell: the CellData
// fields other than the value, as an object.
func (t *tab) cellFields(r, c int) map[string]any {
	out := map[string]any{}
	for _, run := range t.formats {
		if r < run.r1 || r >= run.r2 || c < run.c1 || c >= run.c2 {
			continue
		}
		for _, p := range run.paths {
			if p == "*" {
				out = deepCopyJSON(run.cell).(map[string]any)
				delete(out, "userEnteredValue")
				continue
			}
			v, ok := lookupPath(run.cell, p)
			setPath(out, p, deepCopyJSON(v), ok)
		}
	}
	return out
}

// deepCopyJSON copies a decoded JSON tree, so that merging into the copy
// leaves the recorded request alone.
func deepCopyJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopyJSON(e)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopyJSON(e)
		}
		return out
	}
	return v
}
