package xlsx

import (
	"io"
)

// prefixLen is as much of a long value as a cell can show: Excel's
// 32,767 characters take at most 4 bytes each, so the cut falls before
// any character the prefix splits at its end.
const prefixLen = 4*maxCellChars + 4

// withPrefixes returns values with each long value replaced by its start,
// which is all a cell takes (the cut is reported as for any long text).
// It reads no more of a long value than that.
func withPrefixes(values [][]byte, long []*io.SectionReader) ([][]byte, error) {
	out := make([][]byte, len(values))
	copy(out, values)
	for i, v := range long {
		if v == nil {
			continue
		}
		out[i] = make([]byte, min(v.Size(), prefixLen))
		if _, err := v.ReadAt(out[i], 0); err != nil && err != io.EOF {
			return nil, err
		}
	}
	return out, nil
}
