package pgtext

import "fmt"

// Layout says which parts of a Timestamp hold a value.
type Layout uint8

// The layouts the parsers produce. The zero value is DateTime so that a
// Timestamp written as a literal is a full timestamp.
const (
	DateTime Layout = iota // timestamp and timestamptz
	DateOnly               // date: the clock fields are zero
	TimeOnly               // time and timetz: the date fields are zero
)

// Timestamp is a date/time value as PostgreSQL prints it. It keeps the
// printed fields instead of a time.Time because PostgreSQL's range (4713 BC
// to 5874897 AD), its 24:00:00 and timestamp without time zone have no
// faithful time.Time.
type Timestamp struct {
	Year, Month, Day                 int // astronomical year: 1 BC is 0, 44 BC is -43
	Hour, Minute, Second, Nanosecond int
	Offset                           int  // seconds east of UTC; valid when HasOffset
	HasOffset                        bool // timestamptz and timetz
	Infinity                         int  // +1 for "infinity", -1 for "-infinity", else 0
	Layout                           Layout
}

// ParseDate parses a date: "2026-02-10", "0044-03-15 BC", "10000-01-01",
// "infinity", "-infinity".
func ParseDate(b []byte) (Timestamp, error) {
	t := Timestamp{Layout: DateOnly, Infinity: infinity(b)}
	if t.Infinity != 0 {
		return t, nil
	}
	p := parser{b: b}
	if !(p.date(&t) && p.era(&t) && p.end() && t.valid()) {
		return Timestamp{}, syntaxError("date", b)
	}
	return t, nil
}

// ParseTimestamp parses a timestamp or timestamptz: "2026-02-10 02:00:00",
// "2026-02-10 02:00:00.123456", "2026-02-10 02:00:00.5+05:30",
// "1890-01-01 00:00:00+02:30:17", "0044-03-15 12:00:00+00 BC", "infinity".
// HasOffset tells the two types apart.
func ParseTimestamp(b []byte) (Timestamp, error) {
	t := Timestamp{Layout: DateTime, Infinity: infinity(b)}
	if t.Infinity != 0 {
		return t, nil
	}
	p := parser{b: b}
	if !(p.date(&t) && p.char(' ') && p.clock(&t) && p.offset(&t) && p.era(&t) && p.end() && t.valid()) {
		return Timestamp{}, syntaxError("timestamp", b)
	}
	return t, nil
}

// ParseTime parses a time or timetz: "13:45:00", "13:45:00.25",
// "13:45:00+03", "24:00:00".
func ParseTime(b []byte) (Timestamp, error) {
	t := Timestamp{Layout: TimeOnly}
	p := parser{b: b}
	if !(p.clock(&t) && p.offset(&t) && p.end() && t.valid()) {
		return Timestamp{}, syntaxError("time", b)
	}
	return t, nil
}

func syntaxError(what string, b []byte) error {
	return fmt.Errorf("pgtext: invalid %s %q", what, b)
}

func infinity(b []byte) int {
	switch string(b) { // no allocation: the compiler compares in place
	case "infinity":
		return 1
	case "-infinity":
		return -1
	}
	return 0
}

// valid checks the ranges the grammar cannot: PostgreSQL never prints an
// impossible date, so one means the input is not what we think it is.
func (t *Timestamp) valid() bool {
	if t.Layout != TimeOnly {
		if t.Month < 1 || t.Month > 12 || t.Day < 1 || t.Day > daysIn(t.Year, t.Month) {
			return false
		}
	}
	if t.Hour == 24 {
		// Only the time type keeps the end of the day; timestamps roll over.
		return t.Layout == TimeOnly && t.Minute == 0 && t.Second == 0 && t.Nanosecond == 0
	}
	return t.Hour < 24 && t.Minute < 60 && t.Second < 60
}

// daysIn returns the length of a month in the proleptic Gregorian calendar,
// which PostgreSQL uses for every year, BC included.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parser walks b; each method consumes one part and reports whether it was
// well formed. It lives on the stack: parsing does not allocate.
type parser struct {
	b []byte
	i int
}

func (p *parser) end() bool { return p.i == len(p.b) }

func (p *parser) char(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// digits reads between min and max decimal digits.
func (p *parser) digits(min, max int) (v int, ok bool) {
	start := p.i
	for p.i < len(p.b) && p.i-start < max && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		v = v*10 + int(p.b[p.i]-'0')
		p.i++
	}
	return v, p.i-start >= min
}

// date reads YYYY-MM-DD; the year has four digits or more (at most nine,
// well beyond PostgreSQL's 5874897, so that it cannot overflow).
func (p *parser) date(t *Timestamp) bool {
	var ok1, ok2, ok3 bool
	t.Year, ok1 = p.digits(4, 9)
	if !ok1 || !p.char('-') {
		return false
	}
	t.Month, ok2 = p.digits(2, 2)
	if !ok2 || !p.char('-') {
		return false
	}
	t.Day, ok3 = p.digits(2, 2)
	return ok3
}

// clock reads HH:MM:SS with an optional fraction of up to nine digits
// (PostgreSQL prints at most six, without trailing zeros).
func (p *parser) clock(t *Timestamp) bool {
	var ok bool
	if t.Hour, ok = p.digits(2, 2); !ok || !p.char(':') {
		return false
	}
	if t.Minute, ok = p.digits(2, 2); !ok || !p.char(':') {
		return false
	}
	if t.Second, ok = p.digits(2, 2); !ok {
		return false
	}
	if !p.char('.') {
		return true
	}
	start := p.i
	frac, ok := p.digits(1, 9)
	for n := p.i - start; n < 9; n++ {
		frac *= 10
	}
	t.Nanosecond = frac
	return ok
}

// offset reads an optional UTC offset: +HH, +HH:MM or +HH:MM:SS (the last
// for local mean time, which zones used before standard time).
func (p *parser) offset(t *Timestamp) bool {
	if p.i == len(p.b) || (p.b[p.i] != '+' && p.b[p.i] != '-') {
		return true
	}
	neg := p.b[p.i] == '-'
	p.i++
	h, ok := p.digits(2, 2)
	if !ok || h > 23 {
		return false
	}
	var m, s int
	if p.char(':') {
		if m, ok = p.digits(2, 2); !ok || m > 59 {
			return false
		}
		if p.char(':') {
			if s, ok = p.digits(2, 2); !ok || s > 59 {
				return false
			}
		}
	}
	t.Offset = h*3600 + m*60 + s
	if neg {
		t.Offset = -t.Offset
	}
	t.HasOffset = true
	return true
}

// era reads an optional " BC" and turns the printed year into an
// astronomical one. There is no year 0 in either era as printed.
func (p *parser) era(t *Timestamp) bool {
	if t.Year == 0 {
		return false
	}
	if p.i == len(p.b) {
		return true
	}
	if string(p.b[p.i:]) != " BC" {
		return false
	}
	p.i += 3
	t.Year = 1 - t.Year
	return true
}
