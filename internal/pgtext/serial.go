package pgtext

import "time"

// sheetsEpoch is day 0 of a spreadsheet's serial numbers.
var sheetsEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

const nanosPerDay = 24 * 60 * 60 * 1e9

// Serial returns t as a spreadsheet serial number the way Google Sheets
// counts: days since 1899-12-30 in the proleptic Gregorian calendar (1900
// is not a leap year), negative before it, the time of day as the
// fraction. ok is false for what a spreadsheet cannot show as a date:
// 'infinity', BC dates and years after 9999. The offset of a timestamptz
// is ignored: its fields are the wall clock in the session's time zone, as
// printed. Excel counts the same from 1900-03-01 on (see the xlsx export).
func (t Timestamp) Serial() (serial float64, ok bool) {
	if t.Infinity != 0 || t.Year < 1 || t.Year > 9999 {
		return 0, false
	}
	day := time.Date(t.Year, time.Month(t.Month), t.Day, 0, 0, 0, 0, time.UTC)
	// Unix seconds, not Sub: a Duration stops at 292 years.
	days := (day.Unix() - sheetsEpoch.Unix()) / (24 * 60 * 60)
	return float64(days) + t.fraction(), true
}

// DayFraction returns t's time of day as a fraction of a day, a time
// cell's value. ok is false for 24:00:00, which PostgreSQL allows but a
// fraction would show as 00:00:00.
func (t Timestamp) DayFraction() (fraction float64, ok bool) {
	if t.Hour >= 24 {
		return 0, false
	}
	return t.fraction(), true
}

func (t Timestamp) fraction() float64 {
	ns := (int64(t.Hour)*3600+int64(t.Minute)*60+int64(t.Second))*1e9 + int64(t.Nanosecond)
	return float64(ns) / nanosPerDay
}
