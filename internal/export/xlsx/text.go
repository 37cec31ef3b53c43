package xlsx

import (
	"unicode/utf8"
)

// maxCellChars is Excel's limit on the length of a cell's text. Excel counts
// UTF-16 code units (an emoji counts two), so that is what we count too:
// excelize does the same when it writes.
const maxCellChars = 32767

// textClass says, for each ASCII byte, whether appendText must look at it.
var textClass = func() (c [utf8.RuneSelf]bool) {
	for b := 0; b < 0x20; b++ {
		c[b] = b != '\t' && b != '\n'
	}
	c['&'], c['<'], c['>'], c['_'] = true, true, true, true
	return c
}()

const hexDigits = "0123456789ABCDEF"

// appendText appends s as XML character data that Excel and excelize read
// back as exactly s. Characters that XML 1.0 forbids (control characters,
// U+FFFE, U+FFFF) cannot be written even as character references, so they
// take OOXML's _xHHHH_ escape; so does CR, which an XML parser would turn
// into LF. Because readers decode _xHHHH_, a literal "_x" that looks like
// one is escaped too, as _x005F_ (an escaped underscore). Bytes that are
// not UTF-8 would make the whole file unreadable: each becomes U+FFFD and
// is counted in invalid.
func appendText(dst, s []byte) (out []byte, invalid int) {
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if !textClass[b] || (b == '_' && !looksEscaped(s[i:])) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '&':
				dst = append(dst, "&amp;"...)
			case '<':
				dst = append(dst, "&lt;"...)
			case '>':
				dst = append(dst, "&gt;"...)
			case '_':
				dst = append(dst, "_x005F"...) // the original '_' closes it
				start = i
				i++
				continue
			default:
				dst = appendEscape(dst, rune(b))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = utf8.AppendRune(dst, utf8.RuneError)
			invalid++
		case r == 0xFFFE || r == 0xFFFF:
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, r)
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...), invalid
}

// appendEscape appends OOXML's escape of a BMP character: _xHHHH_.
func appendEscape(dst []byte, r rune) []byte {
	return append(dst, '_', 'x',
		hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF], '_')
}

// looksEscaped reports whether s starts with _xHHHH_, which a reader would
// decode.
func looksEscaped(s []byte) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for _, c := range s[2:6] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// needsPreserve reports whether s starts or ends with white space, which
// Excel drops unless the element says xml:space="preserve".
func needsPreserve(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	return isSpace(s[0]) || isSpace(s[len(s)-1])
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// displayWidth estimates how many characters wide s shows, for sizing a
// column. It stops counting at limit: wider columns are capped anyway.
func displayWidth(s []byte, limit int) int {
	n := 0
	for i := 0; i < len(s) && n < limit; n++ {
		if s[i] == '\n' {
			return n // a cell shows its first line
		}
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRune(s[i:])
		i += size
	}
	return n
}
