package sheets

import (
	"encoding/json"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// MaxCellChars is Google's limit on the text of one cell.
const MaxCellChars = 50_000

// encoder turns rows of PostgreSQL text forms into the values a RAW write
// sends: json.Number for a number a double holds exactly, bool, a serial
// number for a date, time or timestamp a spreadsheet can show, "" for
// NULL, and PostgreSQL's text for everything else — so no value is ever
// changed, only typed where that loses nothing. It counts, per column, the
// texts it had to cut, and remembers which columns held fractions of a
// second, for their number format.
type encoder struct {
	kinds     []dbbackup.Kind
	cut       []int64
	subSecond []bool
}

func newEncoder(cols []dbbackup.Column) *encoder {
	e := &encoder{kinds: make([]dbbackup.Kind, len(cols)), cut: make([]int64, len(cols)), subSecond: make([]bool, len(cols))}
	for i, c := range cols {
		e.kinds[i] = c.Kind
	}
	return e
}

// row encodes one row; values are only read during the call. NULL is
// sent as "", which empties a cell (a JSON null would leave it as it was)
// and makes Google count the row as written even when all of it is NULL.
func (e *encoder) row(values [][]byte) []any {
	out := make([]any, len(values))
	for i, v := range values {
		if v == nil {
			out[i] = ""
		} else {
			out[i] = e.cell(i, v)
		}
	}
	return out
}

func (e *encoder) cell(i int, v []byte) any {
	switch e.kinds[i] {
	case dbbackup.KindInt:
		if pgtext.ExactInt(v) {
			return json.Number(v)
		}
	case dbbackup.KindFloat:
		if pgtext.IsFiniteNumber(v) {
			return json.Number(v)
		}
	case dbbackup.KindNumeric:
		if pgtext.ExactDecimal(v) {
			return json.Number(v)
		}
	case dbbackup.KindBool:
		if len(v) == 1 && (v[0] == 't' || v[0] == 'f') {
			return v[0] == 't'
		}
	case dbbackup.KindDate:
		if t, err := pgtext.ParseDate(v); err == nil {
			if s, ok := t.Serial(); ok {
				return serial(s)
			}
		}
	case dbbackup.KindTimestamp, dbbackup.KindTimestampTZ:
		if t, err := pgtext.ParseTimestamp(v); err == nil {
			if s, ok := t.Serial(); ok {
				e.subSecond[i] = e.subSecond[i] || t.Nanosecond != 0
				return serial(s)
			}
		}
	case dbbackup.KindTime:
		if t, err := pgtext.ParseTime(v); err == nil {
			if s, ok := t.DayFraction(); ok {
				e.subSecond[i] = e.subSecond[i] || t.Nanosecond != 0
				return serial(s)
			}
		}
	}
	return e.text(i, v)
}

// serial is a date's serial number as the shortest JSON number that reads
// back as the same double.
func serial(s float64) json.Number {
	return json.Number(formatFloat(s))
}

// text is v as a string cell, cut to MaxCellChars counted in UTF-16 code
// units, the stricter of the counts Google's limit may mean. RAW writes it
// as it is: "=HYPERLINK(…)" stays text.
func (e *encoder) text(i int, v []byte) string {
	if n, cut := pgtext.CutUTF16(v, MaxCellChars); cut {
		e.cut[i]++
		v = v[:n]
	}
	return string(v)
}
