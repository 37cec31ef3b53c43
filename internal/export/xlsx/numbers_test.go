package xlsx

import (
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtext"
)

func TestNumberKinds(t *testing.T) {
	for _, tc := range []struct {
		f    func([]byte) bool
		name string
		in   string
		want bool
	}{
		{floatCell, "float", "-0", true},
		{floatCell, "float", "9.99999999999999e+307", true},
		{floatCell, "float", "1e+308", false},
		{floatCell, "float", "2.2250738585072014e-308", true},
		{floatCell, "float", "1e-310", false},
		{floatCell, "float", "Infinity", false},
		{floatCell, "float", "0x1p-2", false},
	} {
		if got := tc.f([]byte(tc.in)); got != tc.want {
			t.Errorf("%sCell(%q) = %v, want %v", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestSerials(t *testing.T) {
	ts := func(s string) pgtext.Timestamp {
		t.Helper()
		v, err := pgtext.ParseTimestamp([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1900-01-01 00:00:00", 1, true},
		{"1900-01-01 12:00:00", 1.5, true},
		{"1900-02-28 00:00:00", 59, true},
		{"1900-03-01 00:00:00", 61, true},
		{"2000-01-01 00:00:00", 36526, true},
		{"9999-12-31 00:00:00", 2958465, true},
		{"1899-12-31 23:59:59", 0, false},
		{"10000-01-01 00:00:00", 0, false},
		{"0001-01-01 00:00:00 BC", 0, false},
		{"infinity", 0, false},
	} {
		got, ok := dateSerial(ts(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("dateSerial(%s) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"00:00:00", 0, true},
		{"12:00:00", 0.5, true},
		{"06:00:00.5", (6*3600 + 0.5) / 86400, true},
		{"24:00:00", 0, false},
	} {
		v, err := pgtext.ParseTime([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := timeSerial(v); got != tc.want || ok != tc.ok {
			t.Errorf("timeSerial(%s) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
