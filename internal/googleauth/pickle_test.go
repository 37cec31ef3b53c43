package googleauth

import (
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup"
)

// le8 and le4 are little-endian lengths as pickle opcodes carry them.
func le8(n uint64) string { return string(binary.LittleEndian.AppendUint64(nil, n)) }
func le4(n uint32) string { return string(binary.LittleEndian.AppendUint32(nil, n)) }

// craftedPickles are token.pickle files an attacker could leave: each
// states a length far beyond the file's size, or calls a class the wrong
// way. Opcodes: \x80 PROTO, \x95 FRAME, X BINUNICODE, \x8d BINUNICODE8,
// \x8e BINBYTES8, \x96 BYTEARRAY8, C SHORT_BINBYTES, \x8a LONG1, c GLOBAL,
// ) EMPTY_TUPLE, R REDUCE, . STOP.
var craftedPickles = map[string]string{
	"frame of 1 TiB":          "\x80\x04\x95" + le8(1<<40) + ".",
	"frame of 2^63-1 bytes":   "\x80\x04\x95" + le8(math.MaxInt64) + ".",
	"BINUNICODE of 4 GiB":     "\x80\x04X" + le4(math.MaxUint32) + "abc.",
	"BINUNICODE8 of 2^50":     "\x80\x04\x8d" + le8(1<<50) + "abc.",
	"BINBYTES8 of 2^62":       "\x80\x04\x8e" + le8(1<<62) + ".",
	"BYTEARRAY8 of 64 GiB":    "\x80\x05\x96" + le8(1<<36) + ".",
	"SHORT_BINBYTES past end": "\x80\x04C\xc8abc.",
	"huge string in a frame":  "\x80\x04\x95" + le8(14) + "X" + le4(math.MaxUint32) + "ab." + "\x00\x00\x00\x00\x00",
	"encode without argument": "\x80\x02c_codecs\nencode\n)R.",
	"LONG1 of no bytes":       "\x80\x02\x8a\x00.", // gopickle indexes byte -1
}

func TestCraftedPickleIsAnErrorNotACrash(t *testing.T) {
	dir := t.TempDir()
	for name, content := range craftedPickles {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".pickle")
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := ReadToken(p)
			runtime.ReadMemStats(&after)
			var ce *dbbackup.ConfigError
			if !errors.As(err, &ce) || ce.Var != "GOOGLE_TOKEN_FILE" || !strings.Contains(ce.Problem, p) || ce.Hint == "" {
				t.Fatalf("got %v, want a GOOGLE_TOKEN_FILE error naming the file", err)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Errorf("reading a %d-byte file allocated %d bytes", len(content), grew)
			}
		})
	}
}

func TestPickleBoundsAcceptTheFixtures(t *testing.T) {
	for _, name := range []string{"token.pickle", "token_protocol2.pickle"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := checkPickleBounds(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
