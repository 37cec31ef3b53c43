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

// maxExactInt is 2^53: every integer up to it in magnitude is a double.
const maxExactInt = 1 << 53

// exactDigits is how many significant decimal digits always survive the
// round trip through a double (DBL_DIG).
const exactDigits = 15

// floatCell, numericCell and intCell report whether a number's text form
// can be a numeric cell without losing anything. The text itself then goes
// into <v>: PostgreSQL prints numbers in a grammar that is valid
// xsd:double, so there is nothing to convert or re-format.

// floatCell reports whether a float fits: it is a double already and only
// has to be in Excel's range.
func floatCell(b []byte) bool {
	return pgtext.IsFiniteNumber(b) && inExcelRange(b)
}

// numericCell reports whether a numeric fits: it is exact decimal, and
// stays exact as a double when it has at most 15 significant digits.
func numericCell(b []byte) bool {
	if !pgtext.IsFiniteNumber(b) { // NaN, Infinity, anything unexpected
		return false
	}
	sig, exp, hasExp := decimalShape(b)
	if hasExp { // PostgreSQL never prints a numeric so; be safe
		return false
	}
	return sig == 0 || sig <= exactDigits && exp >= -307 && exp <= 307
}

// intCell reports whether b, an integer's text form, is exact as a double.
func intCell(b []byte) bool {
	if !pgtext.IsFiniteNumber(b) {
		return false
	}
	digits := len(b)
	if b[0] == '-' {
		digits--
	}
	if digits <= exactDigits {
		return true
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	return err == nil && v >= -maxExactInt && v <= maxExactInt
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

// decimalShape counts the significant digits of a number in
// IsFiniteNumber's grammar, ignoring leading and trailing zeros, and
// returns the decimal exponent of its first significant digit (2 for
// "123.4", -6 for "0.000001"). hasExp reports an exponent part, which the
// other two results then ignore.
func decimalShape(b []byte) (sig, exp int, hasExp bool) {
	first, last := -1, -1 // positions of the first and last non-zero digit
	point := len(b)       // position of the decimal point, or the end
	for i, c := range b {
		switch {
		case c == '.':
			point = i
		case c == 'e' || c == 'E':
			return 0, 0, true
		case c >= '1' && c <= '9':
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	sig = last - first + 1
	if first < point && last > point {
		sig-- // the point sits between them
	}
	if first < point {
		exp = point - first - 1
	} else {
		exp = point - first
	}
	return sig, exp, false
}
