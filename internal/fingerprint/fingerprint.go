// Package fingerprint sums a table's rows into one value that proves two
// copies of the table hold the same rows: the sum, mod 2^64, of the xxh64
// of every record of the table's COPY … (FORMAT csv) text, each without its
// terminating "\n" (the manifest's "xxh64sum:%016x"). A sum does not
// depend on the order of the rows, which a restore does not keep, and
// counts every duplicate. It is cheap enough to compute while a table is
// exported (xxh64 runs at several GB/s).
//
// The text must be printed under the same session settings on both sides
// (pgtext.SessionSettings and the same TimeZone), or equal values print
// differently.
package fingerprint

import (
	"bytes"
	"fmt"

	"github.com/cespare/xxhash/v2"
)

// Prefix begins every fingerprint: it names the algorithm, so that another
// one may follow without old manifests being misread.
const Prefix = "xxh64sum:"

// Hash sums records given whole (Add) or in pieces (Part, then End). Its
// zero value is an empty sum.
type Hash struct {
	sum  uint64
	rows int64
	d    *xxhash.Digest
	open bool // Part has begun a record that End has not closed
}

// Add adds one whole record, without its "\n".
func (h *Hash) Add(record []byte) {
	if h.open {
		h.Part(record)
		h.End()
		return
	}
	h.sum += xxhash.Sum64(record)
	h.rows++
}

// Part adds p to the record being built, which End closes: the record's
// hash is that of its parts put together.
func (h *Hash) Part(p []byte) {
	if !h.open {
		if h.d == nil {
			h.d = xxhash.New()
		}
		h.d.Reset()
		h.open = true
	}
	h.d.Write(p)
}

// End closes the record Part built (an empty one if none was begun).
func (h *Hash) End() {
	if !h.open {
		h.Add(nil)
		return
	}
	h.sum += h.d.Sum64()
	h.rows++
	h.open = false
}

// Rows is the number of records summed.
func (h *Hash) Rows() int64 { return h.rows }

// Sum is the fingerprint, "xxh64sum:" and 16 hex digits.
func (h *Hash) Sum() string { return fmt.Sprintf("%s%016x", Prefix, h.sum) }

// Writer is a Hash fed with CSV text as COPY … (FORMAT csv) writes it,
// split into records where it writes them: at each "\n" outside quotes (a
// newline inside a quoted field is data; a doubled quote "" inside quotes
// is data too). A record counts once its "\n" is written; Write never
// fails.
type Writer struct {
	Hash
	header bool // the first record is a header line, not summed
	quoted bool // inside a quoted field
}

// NewWriter returns a Writer; with header, the first line is skipped as
// COPY's HEADER line.
func NewWriter(header bool) *Writer { return &Writer{header: header} }

// Write implements io.Writer.
func (w *Writer) Write(p []byte) (int, error) {
	start := 0 // p[start:] is not yet hashed
	nl := -2   // the next "\n" at or after i; -1: none left in p
	for i := 0; i < len(p); {
		if w.quoted {
			q := bytes.IndexByte(p[i:], '"')
			if q < 0 {
				break
			}
			// A closing quote, or the first of a doubled one, which
			// reopens at once: either way the state is right.
			i += q + 1
			w.quoted = false
			continue
		}
		if nl != -1 && nl < i {
			if nl = bytes.IndexByte(p[i:], '\n'); nl >= 0 {
				nl += i
			}
		}
		end := len(p)
		if nl >= 0 {
			end = nl
		}
		if q := bytes.IndexByte(p[i:end], '"'); q >= 0 {
			i += q + 1
			w.quoted = true
			continue
		}
		if nl < 0 {
			break
		}
		w.record(p[start:nl])
		start, i = nl+1, nl+1
	}
	if start < len(p) && !w.header {
		w.Part(p[start:])
	}
	return len(p), nil
}

func (w *Writer) record(r []byte) {
	if w.header {
		w.header = false
		return
	}
	w.Add(r)
}
