package googleauth

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzParsePickle(f *testing.F) {
	for _, name := range []string{"token.pickle", "token_protocol2.pickle"} {
		b, _ := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		f.Add(b)
	}
	for _, c := range craftedPickles {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		parsePickle(b)
	})
}
