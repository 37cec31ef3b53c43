package pgtext

import "testing"

// TestSerial: the serials Google Sheets gives the same dates (its DATE and
// N functions; the API's SERIAL_NUMBER reference: 1900-01-01 12:00 is 2.5).
func TestSerial(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"1899-12-30 00:00:00", 0, true},
		{"1899-12-29 00:00:00", -1, true},
		{"1900-01-01 12:00:00", 2.5, true},
		{"1900-02-01 15:00:00", 33.625, true},
		{"1900-02-28 00:00:00", 60, true},
		{"1900-03-01 00:00:00", 61, true},
		{"2026-02-10 06:00:00", 46063.25, true},
		{"9999-12-31 00:00:00", 2958465, true},
		{"0001-01-01 00:00:00", -693593, true},
		{"0001-12-31 00:00:00 BC", 0, false},
		{"10000-01-01 00:00:00", 0, false},
		{"infinity", 0, false},
		{"-infinity", 0, false},
	} {
		ts, err := ParseTimestamp([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := ts.Serial(); got != tc.want || ok != tc.ok {
			t.Errorf("Serial(%s) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	d, _ := ParseDate([]byte("2026-02-10"))
	if got, ok := d.Serial(); got != 46063 || !ok {
		t.Errorf("a date: %v %v", got, ok)
	}
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"00:00:00", 0, true},
		{"18:00:00", 0.75, true},
		{"24:00:00", 0, false},
	} {
		v, _ := ParseTime([]byte(tc.in))
		if got, ok := v.DayFraction(); got != tc.want || ok != tc.ok {
			t.Errorf("DayFraction(%s) = %v, %v", tc.in, got, ok)
		}
	}
}
