package xlsx

import (
	"math"

	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// excelLastDay is the serial of 9999-12-31, Excel's last date: a cell
// past it shows ####, and openpyxl reads #VALUE!.
const excelLastDay = 2958465

const millisPerDay = 24 * 60 * 60 * 1000

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
	// Shown to the millisecond, 9999-12-31 23:59:59.9996 would round to
	// 10000-01-01: such a value stays text.
	if ok && math.Round(serial*millisPerDay) >= (excelLastDay+1)*millisPerDay {
		return 0, false
	}
	return serial, ok
}

// timeSerial returns a time of day as a fraction of a day; ok is false for
// 24:00:00.
func timeSerial(t pgtext.Timestamp) (serial float64, ok bool) { return t.DayFraction() }
