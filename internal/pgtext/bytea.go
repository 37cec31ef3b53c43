package pgtext

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// DecodeBytea decodes bytea's hex output form: "\x00ff" → {0x00, 0xff}.
// The result is never nil, so that an empty bytea is told apart from NULL.
func DecodeBytea(b []byte) ([]byte, error) {
	return AppendBytea(make([]byte, 0, len(b)/2), b)
}

// AppendBytea is DecodeBytea appending to dst, to reuse one buffer for
// every cell.
func AppendBytea(dst, b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != '\\' || b[1] != 'x' {
		// The escape form is not read: the source sets bytea_output to
		// hex, so anything else means the input is not what we think.
		return dst, errors.New(`pgtext: bytea is not in hex form \x…`)
	}
	out, err := hex.AppendDecode(dst, b[2:])
	if err != nil {
		return dst, fmt.Errorf("pgtext: bytea: %w", err)
	}
	return out, nil
}
