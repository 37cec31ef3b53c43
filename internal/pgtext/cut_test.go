package pgtext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

const maxCellChars = 32767 // Excel's, as the xlsx export cuts

func TestCutUTF16(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int // bytes kept
		cut  bool
	}{
		{"", 0, false},
		{strings.Repeat("a", maxCellChars), maxCellChars, false},
		{strings.Repeat("a", maxCellChars+1), maxCellChars, true},
		{strings.Repeat("ж", maxCellChars), 2 * maxCellChars, false},
		{strings.Repeat("ж", maxCellChars+1), 2 * maxCellChars, true},
		{"a" + strings.Repeat("😀", 20000), 1 + 4*16383, true},
		{strings.Repeat("\xff", maxCellChars+1), maxCellChars, true},
	} {
		n, cut := CutUTF16([]byte(tc.in), maxCellChars)
		if n != tc.want || cut != tc.cut {
			t.Errorf("CutUTF16(%d bytes) = %d, %v; want %d, %v", len(tc.in), n, cut, tc.want, tc.cut)
		}
		if !utf8.ValidString(tc.in[:n]) && utf8.ValidString(tc.in) {
			t.Errorf("CutUTF16(%d bytes) split a character", len(tc.in))
		}
	}
}
