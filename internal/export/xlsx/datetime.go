package xlsx

import (
	"time"

	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// Excel writes a date as a serial number: days since 1899-12-30 in the
// 1900 date system, with the time of day as the fraction. Serial 1 is
// 1900-01-01; Excel then counts a 1900-02-29 that never was (Lotus 1-2-3's
// bug, kept for compatibility), so serials from 1900-03-01 on are days
// since 1899-12-30 and the ones before are one less.
var (
	excelEpoch   = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	excelLeapBug = time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC)
)

const nanosPerDay = 24 * 60 * 60 * 1e9

// dateSerial returns the serial of t's date and time of day. ok is false
// for what Excel cannot show: 'infinity', dates before 1900-01-01 (BC
// included) and after 9999-12-31. The offset of a timestamptz is ignored:
// its fields are the wall clock in the session's time zone, as printed.
func dateSerial(t pgtext.Timestamp) (serial float64, ok bool) {
	if t.Infinity != 0 || t.Year < 1900 || t.Year > 9999 {
		return 0, false
	}
	day := time.Date(t.Year, time.Month(t.Month), t.Day, 0, 0, 0, 0, time.UTC)
	// Unix seconds, not Sub: a Duration stops at 292 years.
	days := (day.Unix() - excelEpoch.Unix()) / (24 * 60 * 60)
	if day.Before(excelLeapBug) {
		days--
	}
	return float64(days) + timeFraction(t), true
}

// timeSerial returns a time of day as a fraction of a day. ok is false for
// 24:00:00, which PostgreSQL allows but a day fraction would show as
// 00:00:00.
func timeSerial(t pgtext.Timestamp) (serial float64, ok bool) {
	if t.Hour >= 24 {
		return 0, false
	}
	return timeFraction(t), true
}

func timeFraction(t pgtext.Timestamp) float64 {
	ns := (int64(t.Hour)*3600+int64(t.Minute)*60+int64(t.Second))*1e9 + int64(t.Nanosecond)
	return float64(ns) / nanosPerDay
}
