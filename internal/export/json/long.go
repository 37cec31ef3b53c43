package json

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// longChunk is how much of a long value is in memory at a time.
const longChunk = 64 << 10

// writeLong writes a value too long to hold in memory, read from v in
// pieces, exactly as appendValue writes a value held whole.
func (e *encoder) writeLong(k dbbackup.Kind, v *io.SectionReader) (ok bool, err error) {
	if e.chunk == nil {
		e.chunk = make([]byte, longChunk)
	}
	switch k {
	case dbbackup.KindJSON:
		// Only the start of a value tells whether it is wrapped: a null
		// is never long, and an object's first key is near its start.
		n, _ := v.ReadAt(e.chunk, 0)
		wrap := wrapJSON(e.chunk[:n])
		if wrap {
			if err := e.write(append(e.buf[:0], wrapOpen...)); err != nil {
				return false, err
			}
		}
		if _, err = io.CopyBuffer(e.w, v, e.chunk); err != nil || !wrap {
			return true, err
		}
		return true, e.write(append(e.buf[:0], '}'))
	case dbbackup.KindArray:
		n, _ := v.ReadAt(e.chunk[:32], 0)
		if pgtext.IsArrayLiteral(e.chunk[:n]) {
			return true, e.writeString(v)
		}
		if n > 0 && e.chunk[0] == '[' {
			_, err = io.CopyBuffer(e.w, v, e.chunk)
			return true, err
		}
		return false, e.writeString(v)
	case dbbackup.KindBytea:
		return true, e.writeBytea(v)
	case dbbackup.KindInt, dbbackup.KindFloat, dbbackup.KindNumeric, dbbackup.KindBool, dbbackup.KindDate,
		dbbackup.KindTimestamp, dbbackup.KindTimestampTZ, dbbackup.KindTime, dbbackup.KindTimeTZ:
		// Values of these types are short (a numeric has at most ~150,000
		// digits): only a row of several long values brings them here.
		whole := make([]byte, v.Size())
		if _, err := io.ReadFull(v, whole); err != nil {
			return false, err
		}
		var b []byte
		b, ok = e.appendValue(e.buf[:0], k, whole)
		return ok, e.write(b)
	}
	return true, e.writeString(v)
}

// writeString writes v as a JSON string, escaped as appendString does. A
// piece ends before a character it would split.
func (e *encoder) writeString(v io.Reader) error {
	b := append(e.buf[:0], '"')
	held := 0
	for {
		n, err := v.Read(e.chunk[held:])
		s := e.chunk[:held+n]
		end := len(s)
		if err == nil {
			end = wholeRunes(s)
		}
		b = appendEscaped(b, s[:end])
		if werr := e.write(b); werr != nil {
			return werr
		}
		b = e.buf[:0]
		held = copy(e.chunk, s[end:])
		if errors.Is(err, io.EOF) {
			return e.write(append(b, '"'))
		}
		if err != nil {
			return err
		}
	}
}

// wholeRunes returns the length of s without a UTF-8 sequence cut short
// at its end, which the next piece completes.
func wholeRunes(s []byte) int {
	for i := len(s) - 1; i >= 0 && i >= len(s)-utf8.UTFMax; i-- {
		if !utf8.RuneStart(s[i]) {
			continue
		}
		if !utf8.FullRune(s[i:]) {
			return i
		}
		break
	}
	return len(s)
}

// writeBytea writes bytea's hex text form (\x…) as base64, decoding and
// encoding piece by piece.
func (e *encoder) writeBytea(v *io.SectionReader) error {
	if n, _ := v.ReadAt(e.chunk[:2], 0); n != 2 || string(e.chunk[:2]) != `\x` {
		return fmt.Errorf("a bytea value is not in hex form")
	}
	if err := e.write(append(e.buf[:0], '"')); err != nil {
		return err
	}
	enc := base64.NewEncoder(base64.StdEncoding, e.w)
	if _, err := io.CopyBuffer(enc, hex.NewDecoder(io.NewSectionReader(v, 2, v.Size()-2)), e.chunk); err != nil {
		return fmt.Errorf("a bytea value: %w", err)
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return e.write(append(e.buf[:0], '"'))
}
