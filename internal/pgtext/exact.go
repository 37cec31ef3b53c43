package pgtext

import "strconv"

// Spreadsheets (Excel, Google Sheets) hold every number as an IEEE double.
// ExactInt and ExactDecimal tell which of PostgreSQL's printed numbers
// survive that without changing, so that the others can be written as
// text instead of being rounded silently.

// maxExactInt is 2^53: every integer up to it in magnitude is a double.
const maxExactInt = 1 << 53

// exactDigits is how many significant decimal digits always survive the
// round trip through a double (DBL_DIG).
const exactDigits = 15

// ExactInt reports whether b, an integer's text form, is exact as a
// double: at most 2^53 in magnitude.
func ExactInt(b []byte) bool {
	if !IsFiniteNumber(b) {
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

// ExactDecimal reports whether b, a numeric's text form, reads back the
// same from the nearest double: at most 15 significant digits, within a
// double's decimal range. NaN and the infinities are not.
func ExactDecimal(b []byte) bool {
	if !IsFiniteNumber(b) {
		return false
	}
	sig, exp, hasExp := decimalShape(b)
	if hasExp { // PostgreSQL never prints a numeric so; be safe
		return false
	}
	return sig == 0 || sig <= exactDigits && exp >= -307 && exp <= 307
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
