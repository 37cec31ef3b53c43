package fingerprint

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
)

// reference splits CSV text into records byte by byte, the slow and
// obvious way: a quote flips being inside a field, a newline outside one
// ends a record. An unterminated last record is not one.
func reference(text []byte, header bool) (sum uint64, rows int64) {
	var rec []byte
	quoted := false
	for _, c := range text {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && !quoted:
			if header {
				header = false
			} else {
				sum += xxhash.Sum64(rec)
				rows++
			}
			rec = rec[:0]
			continue
		}
		rec = append(rec, c)
	}
	return sum, rows
}

// feed writes text to a new Writer in pieces whose sizes cycle through
// cuts (a 0 is 1).
func feed(text []byte, header bool, cuts []byte) *Writer {
	w := NewWriter(header)
	for i := 0; len(text) > 0; i++ {
		n := len(text)
		if len(cuts) > 0 {
			n = min(n, max(1, int(cuts[i%len(cuts)])))
		}
		w.Write(text[:n])
		text = text[n:]
	}
	return w
}

func FuzzWriterSplitsLikeTheReference(f *testing.F) {
	f.Add([]byte("a,b\n1,\"x\ny\"\n2,\"\"\"q\"\"\"\n,\n"), true, []byte{1})
	f.Add([]byte("\"\"\n\n\"a\"\"\nb\",c\n"), false, []byte{3, 1, 7})
	f.Add([]byte("no newline at the end"), false, []byte{})
	f.Fuzz(func(t *testing.T, text []byte, header bool, cuts []byte) {
		sum, rows := reference(text, header)
		w := feed(text, header, cuts)
		if want := fmt.Sprintf("xxh64sum:%016x", sum); w.Sum() != want || w.Rows() != rows {
			t.Fatalf("%q in pieces %v: %s of %d rows, the reference %s of %d", text, cuts, w.Sum(), w.Rows(), want, rows)
		}
	})
}

func sumOf(text string) string { return feed([]byte(text), true, nil).Sum() }

func TestFingerprint(t *testing.T) {
	const table = "id,name\n1,\"a\nb\"\n2,\"say \"\"hi\"\"\"\n3,\n4,\"\"\n"
	t.Run("a record is what COPY writes between newlines outside quotes", func(t *testing.T) {
		w := feed([]byte(table), true, nil)
		var want uint64
		for _, r := range []string{"1,\"a\nb\"", "2,\"say \"\"hi\"\"\"", "3,", "4,\"\""} {
			want += xxhash.Sum64String(r)
		}
		if w.Rows() != 4 || w.Sum() != fmt.Sprintf("xxh64sum:%016x", want) {
			t.Errorf("%s of %d rows, want xxh64sum:%016x of 4", w.Sum(), w.Rows(), want)
		}
	})
	t.Run("every flipped byte changes it", func(t *testing.T) {
		base := sumOf(table)
		start := strings.IndexByte(table, '\n') + 1 // the header is not summed
		for i := start; i < len(table); i++ {
			for _, bit := range []byte{0x01, 0x20, 0x80} {
				b := []byte(table)
				b[i] ^= bit
				if s := sumOf(string(b)); s == base {
					t.Errorf("byte %d ^ %#x: %q has the same sum %s", i, bit, b, s)
				}
			}
		}
	})
	t.Run("the order of the rows does not count", func(t *testing.T) {
		if a, b := sumOf("h\n1\n2\n3\n"), sumOf("h\n3\n1\n2\n"); a != b {
			t.Errorf("%s != %s", a, b)
		}
	})
	t.Run("duplicates count", func(t *testing.T) {
		if a, b := sumOf("h\n1\n2\n"), sumOf("h\n1\n2\n2\n"); a == b {
			t.Errorf("one more duplicate row left the sum %s", a)
		}
		// A pair of equal rows does not cancel out, as it would in a xor.
		if a, b := sumOf("h\n1\n"), sumOf("h\n1\n2\n2\n"); a == b {
			t.Errorf("a pair of duplicate rows left the sum %s", a)
		}
	})
	t.Run("the header is not summed, a table without rows sums to 0", func(t *testing.T) {
		if a, b := sumOf("a\n1\n"), sumOf("b\n1\n"); a != b {
			t.Errorf("%s != %s", a, b)
		}
		if s := sumOf("a,b\n"); s != "xxh64sum:0000000000000000" {
			t.Errorf("no rows: %s", s)
		}
	})
	t.Run("parts sum as the whole record", func(t *testing.T) {
		var whole, parts Hash
		whole.Add([]byte("1,abc,\"d\""))
		parts.Part([]byte("1,a"))
		parts.Part([]byte("bc,\"d\""))
		parts.End()
		if whole.Sum() != parts.Sum() || parts.Rows() != 1 {
			t.Errorf("%s != %s", parts.Sum(), whole.Sum())
		}
	})
}

// BenchmarkWriter measures the Writer on COPY text with quoted fields and
// newlines in them, in 64 kB writes; BenchmarkHash measures what
// postgres.Snapshot.CopyCSV adds to an export: Add of each record it
// builds.
func BenchmarkWriter(b *testing.B) {
	text := copyText()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		w := NewWriter(true)
		for p := text; len(p) > 0; {
			n := min(len(p), 64<<10)
			w.Write(p[:n])
			p = p[n:]
		}
	}
}

func BenchmarkHash(b *testing.B) {
	text := copyText()
	records := bytes.Split(text[:len(text)-1], []byte("\n"))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		var h Hash
		for _, r := range records {
			h.Add(r)
		}
	}
}

// copyText is about 8 MB of rows shaped like the bench table's: ten
// columns, a quoted name with a newline and quotes in it.
func copyText() []byte {
	var b bytes.Buffer
	b.WriteString("id,name,amount,created_at,day,payload,flag,score,code,note\n")
	for i := 0; b.Len() < 8<<20; i++ {
		fmt.Fprintf(&b, "%d,\"Имя, \"\"клиент\"\" №%d\nвторая строка\",%d.%02d,2020-01-01 00:00:%02d+00,2020-01-%02d,"+
			"\"{\"\"id\"\": %d, \"\"ok\"\": true}\",t,%g,%08x-0000-0000-0000-000000000000,note %x\n",
			i, i, i%1000, i%100, i%60, 1+i%28, i, float64(i)*1.25, i, i*7919)
	}
	return b.Bytes()
}
