package xlsx

import (
	"math"
	"strconv"

	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// Excel stores numbers as IEEE doubles but refuses the extremes: it keeps
// magnitudes between these two (and zero).
const (
	excelMaxNumber = 9.99999999999999e307
	excelMinNumber = 2.2250738585072014e-308
)

// floatCell, pgtext.ExactDecimal and pgtext.ExactInt report whether a
// number's text form can be a numeric cell without losing anything. The
// text itself then goes into <v>: PostgreSQL prints numbers in a grammar
// that is valid xsd:double, so there is nothing to convert or re-format.

// floatCell reports whether a float fits: it is a double already and only
// has to be in Excel's range.
func floatCell(b []byte) bool {
	return pgtext.IsFiniteNumber(b) && inExcelRange(b)
}

// inExcelRange parses b (a valid number) and checks Excel can hold it.
func inExcelRange(b []byte) bool {
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return false
	}
	v = math.Abs(v)
	return v == 0 || v >= excelMinNumber && v <= excelMaxNumber
}
