package pgtext

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	type ts = Timestamp
	tests := []struct {
		parse func([]byte) (Timestamp, error)
		in    string
		want  Timestamp
		rfc   string
	}{
		{ParseDate, "2026-02-10", ts{Year: 2026, Month: 2, Day: 10, Layout: DateOnly}, "2026-02-10"},
		{ParseDate, "0044-03-15 BC", ts{Year: -43, Month: 3, Day: 15, Layout: DateOnly}, "-0043-03-15"},
		{ParseDate, "0001-12-31 BC", ts{Year: 0, Month: 12, Day: 31, Layout: DateOnly}, "0000-12-31"},
		{ParseDate, "0001-02-29 BC", ts{Year: 0, Month: 2, Day: 29, Layout: DateOnly}, "0000-02-29"}, // 1 BC is a leap year
		{ParseDate, "4714-11-24 BC", ts{Year: -4713, Month: 11, Day: 24, Layout: DateOnly}, "-4713-11-24"},
		{ParseDate, "10000-01-01", ts{Year: 10000, Month: 1, Day: 1, Layout: DateOnly}, "+10000-01-01"},
		{ParseDate, "5874897-12-31", ts{Year: 5874897, Month: 12, Day: 31, Layout: DateOnly}, "+5874897-12-31"},
		{ParseDate, "2000-02-29", ts{Year: 2000, Month: 2, Day: 29, Layout: DateOnly}, "2000-02-29"},
		{ParseDate, "infinity", ts{Infinity: 1, Layout: DateOnly}, "infinity"},
		{ParseDate, "-infinity", ts{Infinity: -1, Layout: DateOnly}, "-infinity"},

		{ParseTimestamp, "2026-02-10 02:00:00", ts{Year: 2026, Month: 2, Day: 10, Hour: 2}, "2026-02-10T02:00:00"},
		{ParseTimestamp, "2026-02-10 02:00:00.123456", ts{Year: 2026, Month: 2, Day: 10, Hour: 2, Nanosecond: 123456000}, "2026-02-10T02:00:00.123456"},
		{ParseTimestamp, "2026-02-10 02:00:00.000001", ts{Year: 2026, Month: 2, Day: 10, Hour: 2, Nanosecond: 1000}, "2026-02-10T02:00:00.000001"},
		{ParseTimestamp, "2026-02-10 02:00:00+03", ts{Year: 2026, Month: 2, Day: 10, Hour: 2, Offset: 3 * 3600, HasOffset: true}, "2026-02-10T02:00:00+03:00"},
		{ParseTimestamp, "2026-02-10 02:00:00.123456+03", ts{Year: 2026, Month: 2, Day: 10, Hour: 2, Nanosecond: 123456000, Offset: 3 * 3600, HasOffset: true}, "2026-02-10T02:00:00.123456+03:00"},
		{ParseTimestamp, "2026-02-10 02:00:00.5+05:30", ts{Year: 2026, Month: 2, Day: 10, Hour: 2, Nanosecond: 5e8, Offset: 5*3600 + 30*60, HasOffset: true}, "2026-02-10T02:00:00.5+05:30"},
		{ParseTimestamp, "2026-02-10 23:59:59-05", ts{Year: 2026, Month: 2, Day: 10, Hour: 23, Minute: 59, Second: 59, Offset: -5 * 3600, HasOffset: true}, "2026-02-10T23:59:59-05:00"},
		{ParseTimestamp, "2026-02-10 02:00:00-03:30", ts{Year: 2026, Month: 2, Day: 10, Hour: 2, Offset: -(3*3600 + 30*60), HasOffset: true}, "2026-02-10T02:00:00-03:30"},
		{ParseTimestamp, "2026-02-10 02:00:00+00", ts{Year: 2026, Month: 2, Day: 10, Hour: 2, HasOffset: true}, "2026-02-10T02:00:00Z"},
		// Local mean time: RFC 3339 has no offset seconds, so the instant is written in UTC.
		{ParseTimestamp, "1890-01-01 00:00:00+02:30:17", ts{Year: 1890, Month: 1, Day: 1, Offset: 2*3600 + 30*60 + 17, HasOffset: true}, "1889-12-31T21:29:43Z"},
		{ParseTimestamp, "1890-12-31 23:40:00-00:25:21", ts{Year: 1890, Month: 12, Day: 31, Hour: 23, Minute: 40, Offset: -(25*60 + 21), HasOffset: true}, "1891-01-01T00:05:21Z"},
		{ParseTimestamp, "0044-03-15 12:00:00+00 BC", ts{Year: -43, Month: 3, Day: 15, Hour: 12, HasOffset: true}, "-0043-03-15T12:00:00Z"},
		{ParseTimestamp, "0044-03-15 12:00:00 BC", ts{Year: -43, Month: 3, Day: 15, Hour: 12}, "-0043-03-15T12:00:00"},
		{ParseTimestamp, "0001-01-01 00:00:00+02:30:17 BC", ts{Year: 0, Month: 1, Day: 1, Offset: 9017, HasOffset: true}, "-0001-12-31T21:29:43Z"},
		{ParseTimestamp, "294276-12-31 23:59:59.999999+00", ts{Year: 294276, Month: 12, Day: 31, Hour: 23, Minute: 59, Second: 59, Nanosecond: 999999000, HasOffset: true}, "+294276-12-31T23:59:59.999999Z"},
		{ParseTimestamp, "infinity", ts{Infinity: 1}, "infinity"},
		{ParseTimestamp, "-infinity", ts{Infinity: -1}, "-infinity"},

		// As PostgreSQL 15 printed them in zones Europe/Moscow and America/Caracas.
		{ParseTimestamp, "294277-01-01 02:59:59.999999+03", ts{Year: 294277, Month: 1, Day: 1, Hour: 2, Minute: 59, Second: 59, Nanosecond: 999999000, Offset: 3 * 3600, HasOffset: true}, "+294277-01-01T02:59:59.999999+03:00"},
		{ParseTimestamp, "1890-01-01 00:00:04-04:27:40", ts{Year: 1890, Month: 1, Day: 1, Second: 4, Offset: -(4*3600 + 27*60 + 40), HasOffset: true}, "1890-01-01T04:27:44Z"},
		{ParseTimestamp, "0044-03-15 12:00:00+02:30:17 BC", ts{Year: -43, Month: 3, Day: 15, Hour: 12, Offset: 9017, HasOffset: true}, "-0043-03-15T09:29:43Z"},
		{ParseTime, "13:45:00+02:30:17", ts{Hour: 13, Minute: 45, Offset: 9017, HasOffset: true, Layout: TimeOnly}, "11:14:43Z"},
		{ParseTime, "23:59:59-15:59", ts{Hour: 23, Minute: 59, Second: 59, Offset: -(15*3600 + 59*60), HasOffset: true, Layout: TimeOnly}, "23:59:59-15:59"},

		{ParseTime, "13:45:00", ts{Hour: 13, Minute: 45, Layout: TimeOnly}, "13:45:00"},
		{ParseTime, "13:45:00.25", ts{Hour: 13, Minute: 45, Nanosecond: 25e7, Layout: TimeOnly}, "13:45:00.25"},
		{ParseTime, "13:45:00+03", ts{Hour: 13, Minute: 45, Offset: 3 * 3600, HasOffset: true, Layout: TimeOnly}, "13:45:00+03:00"},
		{ParseTime, "13:45:00.25-05:30", ts{Hour: 13, Minute: 45, Nanosecond: 25e7, Offset: -(5*3600 + 30*60), HasOffset: true, Layout: TimeOnly}, "13:45:00.25-05:30"},
		{ParseTime, "00:10:00+00:30:17", ts{Minute: 10, Offset: 30*60 + 17, HasOffset: true, Layout: TimeOnly}, "23:39:43Z"},
		{ParseTime, "24:00:00", ts{Hour: 24, Layout: TimeOnly}, "24:00:00"},
		{ParseTime, "00:00:00", ts{Layout: TimeOnly}, "00:00:00"},
	}
	for _, tt := range tests {
		got, err := tt.parse([]byte(tt.in))
		if err != nil {
			t.Errorf("parse %q: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("parse %q = %+v, want %+v", tt.in, got, tt.want)
		}
		if s := got.String(); s != tt.rfc {
			t.Errorf("parse %q: RFC 3339 %q, want %q", tt.in, s, tt.rfc)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		parse func([]byte) (Timestamp, error)
		in    string
	}{
		{ParseDate, ""},
		{ParseDate, "26-02-10"},
		{ParseDate, "2026-2-10"},
		{ParseDate, "2026-02-30"},
		{ParseDate, "2025-02-29"},
		{ParseDate, "1900-02-29"},
		{ParseDate, "2026-13-01"},
		{ParseDate, "2026-00-01"},
		{ParseDate, "2026-01-00"},
		{ParseDate, "0000-01-01"},
		{ParseDate, "0000-01-01 BC"},
		{ParseDate, "2026-02-10 AD"},
		{ParseDate, "2026-02-10 BC "},
		{ParseDate, "2026-02-10 02:00:00"},
		{ParseDate, "1234567890-01-01"},
		{ParseDate, "Infinity"},
		{ParseTimestamp, "2026-02-10"},
		{ParseTimestamp, "2026-02-10T02:00:00"},
		{ParseTimestamp, "2026-02-10 24:00:00"},
		{ParseTimestamp, "2026-02-10 02:60:00"},
		{ParseTimestamp, "2026-02-10 02:00:60"},
		{ParseTimestamp, "2026-02-10 02:00:00."},
		{ParseTimestamp, "2026-02-10 02:00:00.1234567890"},
		{ParseTimestamp, "2026-02-10 02:00:00+3"},
		{ParseTimestamp, "2026-02-10 02:00:00+03:"},
		{ParseTimestamp, "2026-02-10 02:00:00+03:60"},
		{ParseTimestamp, "2026-02-10 02:00:00+24"},
		{ParseTimestamp, "2026-02-10 02:00:00+03:00:00:00"},
		{ParseTimestamp, "2026-02-10 02:00:00 BC+03"},
		{ParseTimestamp, "2026-02-10 02:00:00Z"},
		{ParseTime, "13:45"},
		{ParseTime, "1:45:00"},
		{ParseTime, "24:00:01"},
		{ParseTime, "24:00:00.5"},
		{ParseTime, "25:00:00"},
		{ParseTime, "infinity"},
		{ParseTime, "13:45:00 BC"},
	}
	for _, tt := range tests {
		if got, err := tt.parse([]byte(tt.in)); err == nil {
			t.Errorf("parse %q = %+v, want an error", tt.in, got)
		} else if !strings.HasPrefix(err.Error(), "pgtext: invalid ") {
			t.Errorf("parse %q: error %q does not say what it is", tt.in, err)
		}
	}
}

func TestAppendRFC3339Literal(t *testing.T) {
	// A Timestamp written by hand is a date-time by default.
	got := Timestamp{Year: 2026, Month: 2, Day: 10}.String()
	if got != "2026-02-10T00:00:00" {
		t.Errorf("got %q", got)
	}
	got = string(Timestamp{Year: -12345, Month: 1, Day: 1, Layout: DateOnly}.AppendRFC3339([]byte("x=")))
	if got != "x=-12345-01-01" {
		t.Errorf("got %q", got)
	}
}

func TestParseDoesNotAllocate(t *testing.T) {
	ts := []byte("2026-02-10 02:00:00.123456+05:30")
	date := []byte("0044-03-15 BC")
	clock := []byte("13:45:00.25+03")
	buf := make([]byte, 0, 64)
	n := testing.AllocsPerRun(100, func() {
		a, _ := ParseTimestamp(ts)
		b, _ := ParseDate(date)
		c, _ := ParseTime(clock)
		buf = a.AppendRFC3339(buf[:0])
		buf = b.AppendRFC3339(buf[:0])
		buf = c.AppendRFC3339(buf[:0])
	})
	if n != 0 {
		t.Errorf("%v allocations per run, want 0", n)
	}
}

func BenchmarkParseTimestamp(b *testing.B) {
	in := []byte("2026-02-10 02:00:00.123456+03")
	buf := make([]byte, 0, 64)
	for b.Loop() {
		ts, err := ParseTimestamp(in)
		if err != nil {
			b.Fatal(err)
		}
		buf = ts.AppendRFC3339(buf[:0])
	}
}
