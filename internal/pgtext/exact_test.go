package pgtext

import (
	"strings"
	"testing"
)

func TestDecimalShape(t *testing.T) {
	for _, tc := range []struct {
		in       string
		sig, exp int
		hasExp   bool
	}{
		{"0", 0, 0, false},
		{"0.000", 0, 0, false},
		{"7", 1, 0, false},
		{"-7", 1, 0, false},
		{"123.4500", 5, 2, false},
		{"-0.000001", 1, -6, false},
		{"0.5", 1, -1, false},
		{"1000", 1, 3, false},
		{"1001", 4, 3, false},
		{"10.01", 4, 1, false},
		{"123456789012345678901234567890.123", 33, 29, false},
		{"1e+100", 0, 0, true},
	} {
		sig, exp, hasExp := decimalShape([]byte(tc.in))
		if sig != tc.sig || exp != tc.exp || hasExp != tc.hasExp {
			t.Errorf("decimalShape(%q) = %d, %d, %v; want %d, %d, %v", tc.in, sig, exp, hasExp, tc.sig, tc.exp, tc.hasExp)
		}
	}
}

func TestExactNumbers(t *testing.T) {
	for _, tc := range []struct {
		f    func([]byte) bool
		name string
		in   string
		want bool
	}{
		{ExactInt, "ExactInt", "0", true},
		{ExactInt, "ExactInt", "-32768", true},
		{ExactInt, "ExactInt", "999999999999999", true},
		{ExactInt, "ExactInt", "9007199254740992", true},
		{ExactInt, "ExactInt", "9007199254740993", false},
		{ExactInt, "ExactInt", "-9007199254740993", false},
		{ExactInt, "ExactInt", "99999999999999999999", false},
		{ExactInt, "ExactInt", "", false},
		{ExactInt, "ExactInt", "12a", false},
		{ExactDecimal, "ExactDecimal", "999999999999999", true},
		{ExactDecimal, "ExactDecimal", "0.999999999999999", true},
		{ExactDecimal, "ExactDecimal", "0.9999999999999999", false},
		{ExactDecimal, "ExactDecimal", "1" + strings.Repeat("0", 307), true},
		{ExactDecimal, "ExactDecimal", "1" + strings.Repeat("0", 308), false},
		{ExactDecimal, "ExactDecimal", "0." + strings.Repeat("0", 306) + "1", true},
		{ExactDecimal, "ExactDecimal", "0." + strings.Repeat("0", 307) + "1", false},
		{ExactDecimal, "ExactDecimal", "1e5", false},
		{ExactDecimal, "ExactDecimal", "NaN", false},
	} {
		if got := tc.f([]byte(tc.in)); got != tc.want {
			t.Errorf("%s(%q) = %v, want %v", tc.name, tc.in, got, tc.want)
		}
	}
}
