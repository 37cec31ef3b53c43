package pgtext

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// PostgreSQL's timestamp range: 4713 BC to 294276 AD.
var (
	minPG = time.Date(-4712, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxPG = time.Date(294276, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
)

// FuzzParseTimestamp prints a time.Time the way PostgreSQL does, parses it
// back and checks every field and the RFC 3339 form against Go's.
func FuzzParseTimestamp(f *testing.F) {
	f.Add(int64(1770688800), int32(123456), int32(3*3600))
	f.Add(int64(0), int32(0), int32(0))
	f.Add(int64(-63000000000), int32(500000), int32(-(2*3600 + 30*60 + 17)))
	f.Add(int64(-200000000000), int32(1), int32(9017))
	f.Add(int64(9000000000000), int32(999999), int32(-5*3600))
	f.Fuzz(func(t *testing.T, sec int64, usec, off int32) {
		sec = minPG + mod(sec, maxPG-minPG)
		usec = int32(mod(int64(usec), 1e6))
		off = int32(mod(int64(off), 2*(16*3600-1)+1) - (16*3600 - 1)) // within ±15:59:59
		tm := time.Unix(sec, int64(usec)*1000).In(time.FixedZone("", int(off)))

		text := pgFormat(tm, true)
		got, err := ParseTimestamp([]byte(text))
		if err != nil {
			t.Fatalf("ParseTimestamp(%q): %v", text, err)
		}
		want := fields(tm, DateTime)
		if got != want {
			t.Fatalf("ParseTimestamp(%q) = %+v, want %+v", text, got, want)
		}
		if rfc, wantRFC := got.String(), goRFC3339(tm, time.RFC3339Nano); rfc != wantRFC {
			t.Fatalf("%q: RFC 3339 %q, want %q", text, rfc, wantRFC)
		}

		// Without a zone: the same wall clock, no offset.
		text = pgFormat(tm, false)
		got, err = ParseTimestamp([]byte(text))
		want.HasOffset, want.Offset = false, 0
		if err != nil || got != want {
			t.Fatalf("ParseTimestamp(%q) = %+v, %v; want %+v", text, got, err, want)
		}

		date, clock, _ := strings.Cut(pgFormat(tm, true), " ")
		if bc := strings.HasSuffix(clock, " BC"); bc {
			date, clock = date+" BC", strings.TrimSuffix(clock, " BC")
		}
		got, err = ParseDate([]byte(date))
		if want := fields(tm, DateOnly); err != nil || got != want {
			t.Fatalf("ParseDate(%q) = %+v, %v; want %+v", date, got, err, want)
		}
		if rfc, wantRFC := got.String(), goRFC3339(tm, time.DateOnly); rfc != wantRFC {
			t.Fatalf("%q: RFC 3339 %q, want %q", date, rfc, wantRFC)
		}
		got, err = ParseTime([]byte(clock))
		if want := fields(tm, TimeOnly); err != nil || got != want {
			t.Fatalf("ParseTime(%q) = %+v, %v; want %+v", clock, got, err, want)
		}
		if rfc, wantRFC := got.String(), goRFC3339(tm, "15:04:05.999999999Z07:00"); rfc != wantRFC {
			t.Fatalf("%q: RFC 3339 %q, want %q", clock, rfc, wantRFC)
		}
	})
}

// FuzzParseText feeds arbitrary bytes to every parser: none may panic, and
// what they accept must be in range and render as JSON-safe text.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{"2026-02-10 02:00:00.5+05:30", "0044-03-15 BC", "24:00:00",
		"1890-01-01 00:00:00+02:30:17", "infinity", `\x00ff`, "1e+100", "-0.5"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) (Timestamp, error){ParseDate, ParseTimestamp, ParseTime} {
			ts, err := parse(b)
			if err != nil {
				continue
			}
			if ts.Infinity == 0 && (ts.Hour > 24 || ts.Minute > 59 || ts.Second > 59 ||
				ts.Nanosecond < 0 || ts.Nanosecond > 999999999 || ts.Month > 12) {
				t.Fatalf("%q parsed out of range: %+v", b, ts)
			}
			s := ts.String()
			if q, _ := json.Marshal(s); string(q) != `"`+s+`"` {
				t.Fatalf("%q renders as %q, which needs escaping", b, s)
			}
		}
		_, _ = DecodeBytea(b)
		if IsFiniteNumber(b) && !json.Valid(b) {
			t.Fatalf("IsFiniteNumber(%q) but it is not a JSON number", b)
		}
	})
}

func mod(a, n int64) int64 { return (a%n + n) % n }

// pgFormat prints tm as PostgreSQL does with DateStyle ISO.
func pgFormat(tm time.Time, zone bool) string {
	y, bc := tm.Year(), ""
	if y <= 0 {
		y, bc = 1-y, " BC"
	}
	s := fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", y, tm.Month(), tm.Day(), tm.Hour(), tm.Minute(), tm.Second())
	if us := tm.Nanosecond() / 1000; us != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%06d", us), "0")
	}
	if zone {
		_, off := tm.Zone()
		sign := "+"
		if off < 0 {
			sign, off = "-", -off
		}
		s += fmt.Sprintf("%s%02d", sign, off/3600)
		if off%3600 != 0 {
			s += fmt.Sprintf(":%02d", off/60%60)
		}
		if off%60 != 0 {
			s += fmt.Sprintf(":%02d", off%60)
		}
	}
	return s + bc
}

func fields(tm time.Time, layout Layout) Timestamp {
	_, off := tm.Zone()
	ts := Timestamp{Layout: layout}
	if layout != TimeOnly {
		ts.Year, ts.Month, ts.Day = tm.Year(), int(tm.Month()), tm.Day()
	}
	if layout != DateOnly {
		ts.Hour, ts.Minute, ts.Second, ts.Nanosecond = tm.Hour(), tm.Minute(), tm.Second(), tm.Nanosecond()
		ts.Offset, ts.HasOffset = off, true
	}
	return ts
}

// goRFC3339 formats tm with Go's layout. Go cannot print years outside
// 0..9999 the ISO way, so the time moves by whole 400-year Gregorian cycles
// (which repeat the calendar exactly) and the expanded year is put back.
func goRFC3339(tm time.Time, layout string) string {
	if _, off := tm.Zone(); off%60 != 0 && strings.HasSuffix(layout, "Z07:00") {
		tm = tm.UTC() // no offset seconds in RFC 3339
	}
	y := tm.Year()
	if y >= 0 && y <= 9999 {
		return tm.Format(layout)
	}
	cycles := (y - 2000) / 400
	s := tm.AddDate(-400*cycles, 0, 0).Format(layout)
	if layout[0] != '2' { // time only
		return s
	}
	return fmt.Sprintf("%+05d", y) + s[4:]
}
