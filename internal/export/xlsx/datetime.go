package xlsx

import "github.com/dbbackup/dbbackup/internal/pgtext"

// dateSerial returns the serial of t's date and time of day in Excel's
// 1900 date system. ok is false for what Excel cannot show: 'infinity',
// dates before 1900-01-01 (BC included) and after 9999-12-31. Excel counts
// a 1900-02-29 that never was (Lotus 1-2-3's bug, kept for compatibility),
// so its serials before 1900-03-01 (61) are one less than the spreadsheet
// serials pgtext counts.
func dateSerial(t pgtext.Timestamp) (serial float64, ok bool) {
	if t.Year < 1900 {
		return 0, false
	}
	serial, ok = t.Serial()
	if ok && serial < 61 {
		serial--
	}
	return serial, ok
}

// timeSerial returns a time of day as a fraction of a day; ok is false for
// 24:00:00.
func timeSerial(t pgtext.Timestamp) (serial float64, ok bool) { return t.DayFraction() }
