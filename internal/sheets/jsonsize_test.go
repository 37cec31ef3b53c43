package sheets

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestJSONSizeIsWhatTheClientSends: the size predicted for a row is the
// size encoding/json gives it, HTML escaping, control characters,
// invalid UTF-8 and U+2028 included, so that requests stay under 2 MB.
func TestJSONSizeIsWhatTheClientSends(t *testing.T) {
	pieces := []string{"a", "é", "🙂", "\"", "\\", "\n", "\t", "\b", "\f", "\x01", "\x1f", "<", ">", "&", "\u2028", "\u2029", "\xff", "\xe2\x82", " ", "="}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		var s string
		for n := r.IntN(12); n > 0; n-- {
			s += pieces[r.IntN(len(pieces))]
		}
		row := []any{s, json.Number("-12.5e3"), true, false, nil, ""}
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(row); err != nil {
			t.Fatal(err)
		}
		// rowSize counts the comma that separates the row from the next
		// instead of the encoder's newline.
		if got, want := rowSize(row), buf.Len(); got != want {
			t.Fatalf("%q: predicted %d bytes, encoding/json writes %d", s, got, want)
		}
	}
}
