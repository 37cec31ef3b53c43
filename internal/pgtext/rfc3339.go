package pgtext

import "strconv"

// AppendRFC3339 appends t in RFC 3339 / ISO 8601 form:
//
//	timestamptz  2026-02-10T02:00:00.123456+03:00, and Z for UTC
//	timestamp    2026-02-10T02:00:00 (no offset: it is a wall-clock time)
//	date         2026-02-10
//	timetz       13:45:00.25+03:00 (RFC 3339 "full-time")
//	time         13:45:00.25 ("partial-time"); 24:00:00 stays as is
//	infinite     infinity, -infinity
//
// Years outside 0000..9999 use ISO 8601's expanded form with a sign:
// 44 BC is -0043, 1 BC is the plain 0000 that RFC 3339 parsers accept.
// RFC 3339 offsets have no seconds, so a value whose offset has them
// (local mean time before 1900, e.g. +02:30:17) is written in UTC: the
// same instant, readable by any parser. Fractions lose trailing zeros, as
// PostgreSQL prints them.
func (t Timestamp) AppendRFC3339(dst []byte) []byte {
	switch {
	case t.Infinity > 0:
		return append(dst, "infinity"...)
	case t.Infinity < 0:
		return append(dst, "-infinity"...)
	}
	if t.HasOffset && t.Offset%60 != 0 {
		t = t.inUTC()
	}
	if t.Layout != TimeOnly {
		dst = appendYear(dst, t.Year)
		dst = append(dst, '-')
		dst = append2(dst, t.Month)
		dst = append(dst, '-')
		dst = append2(dst, t.Day)
		if t.Layout == DateOnly {
			return dst
		}
		dst = append(dst, 'T')
	}
	dst = append2(dst, t.Hour)
	dst = append(dst, ':')
	dst = append2(dst, t.Minute)
	dst = append(dst, ':')
	dst = append2(dst, t.Second)
	if t.Nanosecond != 0 {
		dst = appendFraction(dst, t.Nanosecond)
	}
	if !t.HasOffset {
		return dst
	}
	off := t.Offset
	switch {
	case off == 0:
		return append(dst, 'Z')
	case off < 0:
		dst = append(dst, '-')
		off = -off
	default:
		dst = append(dst, '+')
	}
	dst = append2(dst, off/3600)
	dst = append(dst, ':')
	return append2(dst, off/60%60)
}

// String returns AppendRFC3339's form.
func (t Timestamp) String() string { return string(t.AppendRFC3339(nil)) }

// inUTC moves t to offset zero. The offset is under a day, so the date
// moves by one day at most; a time of day wraps around midnight.
func (t Timestamp) inUTC() Timestamp {
	secs := t.Hour*3600 + t.Minute*60 + t.Second - t.Offset
	t.Offset = 0
	const day = 24 * 3600
	switch {
	case secs < 0:
		secs += day
		if t.Layout != TimeOnly {
			t.prevDay()
		}
	case secs >= day:
		secs -= day
		if t.Layout != TimeOnly {
			t.nextDay()
		}
	}
	t.Hour, t.Minute, t.Second = secs/3600, secs/60%60, secs%60
	return t
}

func (t *Timestamp) nextDay() {
	t.Day++
	if t.Day <= daysIn(t.Year, t.Month) {
		return
	}
	t.Day = 1
	t.Month++
	if t.Month > 12 {
		t.Month = 1
		t.Year++
	}
}

func (t *Timestamp) prevDay() {
	t.Day--
	if t.Day >= 1 {
		return
	}
	t.Month--
	if t.Month < 1 {
		t.Month = 12
		t.Year--
	}
	t.Day = daysIn(t.Year, t.Month)
}

func append2(dst []byte, v int) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}

func appendYear(dst []byte, y int) []byte {
	if y >= 0 && y <= 9999 {
		return append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	}
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	} else {
		dst = append(dst, '+')
	}
	for p := 1000; p > 1 && y < p; p /= 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(y), 10)
}

// appendFraction appends ".ddddddddd" without trailing zeros; ns > 0.
func appendFraction(dst []byte, ns int) []byte {
	var buf [10]byte
	buf[0] = '.'
	for i := 9; i >= 1; i-- {
		buf[i] = byte('0' + ns%10)
		ns /= 10
	}
	n := 10
	for buf[n-1] == '0' {
		n--
	}
	return append(dst, buf[:n]...)
}
