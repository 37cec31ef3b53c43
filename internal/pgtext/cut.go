package pgtext

import "unicode/utf8"

// CutUTF16 returns how many bytes of s fit in limit characters and
// whether that is less than all of s. Characters are counted as UTF-16
// code units (an emoji counts two), as spreadsheets count a cell's
// length; the cut never splits a UTF-8 sequence, and an invalid byte
// counts as the one U+FFFD it will be written as.
func CutUTF16(s []byte, limit int) (n int, cut bool) {
	// A code unit takes at least one byte, so short texts need no count.
	if len(s) <= limit {
		return len(s), false
	}
	units := 0
	for i := 0; i < len(s); {
		size, w := 1, 1
		if s[i] >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRune(s[i:])
			if r > 0xFFFF {
				w = 2
			}
		}
		if units+w > limit {
			return i, true
		}
		units += w
		i += size
	}
	return len(s), false
}
