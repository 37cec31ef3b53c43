package xlsx

import (
	"strconv"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// Style ids: indexes into cellXfs of styles.xml (see package.go).
const (
	styleDefault = iota
	styleHeader
	styleDate
	styleDateTime
	styleDateTimeMillis
	styleTime
	styleTimeMillis
)

// rowEncoder turns rows of PostgreSQL text forms into <row> elements with
// typed cells. Whatever it cannot type without loss becomes a text cell
// holding PostgreSQL's text, so no value is ever changed, only its type.
// It counts, per column, the cells it had to alter, for the warnings.
type rowEncoder struct {
	kinds   []dbbackup.Kind
	refs    []string // `<c r="AB`: how every cell of column i starts
	cut     []int64  // cells cut to maxCellChars
	invalid []int64  // cells whose invalid UTF-8 became U+FFFD
}

func newRowEncoder(cols []dbbackup.Column) *rowEncoder {
	e := &rowEncoder{
		kinds:   make([]dbbackup.Kind, len(cols)),
		refs:    make([]string, len(cols)),
		cut:     make([]int64, len(cols)),
		invalid: make([]int64, len(cols)),
	}
	for i, c := range cols {
		e.kinds[i] = c.Kind
		e.refs[i] = `<c r="` + columnName(i)
	}
	return e
}

// columnName returns the letters of column i (0-based): A … Z, AA, ….
func columnName(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}

// appendRow appends row number row (its decimal digits) with values, in
// column order; a nil value is SQL NULL and gets no cell at all.
func (e *rowEncoder) appendRow(dst, row []byte, values [][]byte) []byte {
	dst = append(dst, `<row r="`...)
	dst = append(dst, row...)
	dst = append(dst, `">`...)
	for i, v := range values {
		if v != nil {
			dst = e.appendCell(dst, i, row, v)
		}
	}
	return append(dst, `</row>`...)
}

func (e *rowEncoder) appendCell(dst []byte, i int, row, v []byte) []byte {
	switch e.kinds[i] {
	case dbbackup.KindInt:
		if pgtext.ExactInt(v) {
			return e.appendValue(dst, i, row, styleDefault, v)
		}
	case dbbackup.KindFloat:
		if floatCell(v) {
			return e.appendValue(dst, i, row, styleDefault, v)
		}
	case dbbackup.KindNumeric:
		if pgtext.ExactDecimal(v) {
			return e.appendValue(dst, i, row, styleDefault, v)
		}
	case dbbackup.KindBool:
		if len(v) == 1 && (v[0] == 't' || v[0] == 'f') {
			return e.appendBool(dst, i, row, v[0] == 't')
		}
	case dbbackup.KindDate:
		if t, err := pgtext.ParseDate(v); err == nil {
			if serial, ok := dateSerial(t); ok {
				return e.appendSerial(dst, i, row, styleDate, serial)
			}
		}
	case dbbackup.KindTimestamp, dbbackup.KindTimestampTZ:
		if t, err := pgtext.ParseTimestamp(v); err == nil {
			if serial, ok := dateSerial(t); ok {
				style := styleDateTime
				if t.Nanosecond != 0 {
					style = styleDateTimeMillis
				}
				return e.appendSerial(dst, i, row, style, serial)
			}
		}
	case dbbackup.KindTime:
		if t, err := pgtext.ParseTime(v); err == nil {
			if serial, ok := timeSerial(t); ok {
				style := styleTime
				if t.Nanosecond != 0 {
					style = styleTimeMillis
				}
				return e.appendSerial(dst, i, row, style, serial)
			}
		}
	}
	return e.appendString(dst, i, row, styleDefault, v)
}

// appendStart appends `<c r="B7"` and, when style is not the default, its
// s attribute.
func (e *rowEncoder) appendStart(dst []byte, i int, row []byte, style int) []byte {
	dst = append(dst, e.refs[i]...)
	dst = append(dst, row...)
	dst = append(dst, '"')
	if style != styleDefault {
		dst = append(dst, ` s="`...)
		dst = strconv.AppendInt(dst, int64(style), 10)
		dst = append(dst, '"')
	}
	return dst
}

// appendValue appends a numeric cell; v must be a valid xsd:double.
func (e *rowEncoder) appendValue(dst []byte, i int, row []byte, style int, v []byte) []byte {
	dst = e.appendStart(dst, i, row, style)
	dst = append(dst, `><v>`...)
	dst = append(dst, v...)
	return append(dst, `</v></c>`...)
}

func (e *rowEncoder) appendSerial(dst []byte, i int, row []byte, style int, serial float64) []byte {
	dst = e.appendStart(dst, i, row, style)
	dst = append(dst, `><v>`...)
	dst = strconv.AppendFloat(dst, serial, 'f', -1, 64)
	return append(dst, `</v></c>`...)
}

func (e *rowEncoder) appendBool(dst []byte, i int, row []byte, v bool) []byte {
	dst = e.appendStart(dst, i, row, styleDefault)
	if v {
		return append(dst, ` t="b"><v>1</v></c>`...)
	}
	return append(dst, ` t="b"><v>0</v></c>`...)
}

// appendString appends an inline string cell. Inline strings, unlike the
// shared strings table, need no memory that grows with the sheet.
func (e *rowEncoder) appendString(dst []byte, i int, row []byte, style int, v []byte) []byte {
	n, cut := pgtext.CutUTF16(v, maxCellChars)
	if cut {
		e.cut[i]++
		v = v[:n]
	}
	dst, invalid := appendInline(e.appendStart(dst, i, row, style), v)
	if invalid > 0 {
		e.invalid[i]++
	}
	return dst
}

// appendInline appends what follows a cell's start for an inline string
// holding v. invalid counts the bytes of v that were not UTF-8.
func appendInline(dst, v []byte) (out []byte, invalid int) {
	if needsPreserve(v) {
		dst = append(dst, ` t="inlineStr"><is><t xml:space="preserve">`...)
	} else {
		dst = append(dst, ` t="inlineStr"><is><t>`...)
	}
	dst, invalid = appendText(dst, v)
	return append(dst, `</t></is></c>`...), invalid
}
