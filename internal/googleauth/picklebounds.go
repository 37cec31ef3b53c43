package googleauth

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// checkPickleBounds walks the opcodes of a pickle before it is unpickled
// and refuses any length (a FRAME's, a string's, a bytes') larger than what
// is left of the file. gopickle allocates whatever length the file states
// before it reads a byte, so a crafted token.pickle could otherwise make
// the program ask for terabytes and die without a report.
func checkPickleBounds(b []byte) error {
	for i := 0; i < len(b); {
		op := b[i]
		i++
		arg, ok := pickleArgs[op]
		if !ok {
			return fmt.Errorf("unknown pickle opcode 0x%02x at byte %d", op, i-1)
		}
		rest := len(b) - i
		switch arg.kind {
		case argFixed:
			if arg.size > rest {
				return truncated(op, i)
			}
			i += arg.size
		case argLines:
			for n := 0; n < arg.size; n++ {
				nl := bytes.IndexByte(b[i:], '\n')
				if nl < 0 {
					return truncated(op, i)
				}
				i += nl + 1
			}
		case argCounted, argFrame:
			if arg.size > rest {
				return truncated(op, i)
			}
			n := readLength(b[i : i+arg.size])
			i += arg.size
			if n > uint64(len(b)-i) {
				return fmt.Errorf("pickle opcode 0x%02x at byte %d states a length of %d bytes, more than the %d left in the file", op, i-arg.size-1, n, len(b)-i)
			}
			if arg.kind == argCounted {
				i += int(n)
			} // a frame's bytes are opcodes: walk them too
		}
		if op == '.' { // STOP
			return nil
		}
	}
	return fmt.Errorf("the pickle ends without its STOP opcode")
}

func truncated(op byte, at int) error {
	return fmt.Errorf("pickle opcode 0x%02x at byte %d is cut short by the end of the file", op, at-1)
}

// readLength reads a little-endian length of 1, 4 or 8 bytes.
func readLength(b []byte) uint64 {
	var buf [8]byte
	copy(buf[:], b)
	return binary.LittleEndian.Uint64(buf[:])
}

type argKind int

const (
	argNone    argKind = iota
	argFixed           // size bytes
	argLines           // size lines, each ending in '\n'
	argCounted         // a size-byte length, then that many bytes
	argFrame           // an 8-byte length of the opcodes that follow
)

type pickleArg struct {
	kind argKind
	size int
}

// pickleArgs is the argument of every opcode of pickle protocols 0 to 5,
// as Python's pickletools describes them.
var pickleArgs = map[byte]pickleArg{
	'(': {}, '.': {}, '0': {}, '1': {}, '2': {}, 'N': {}, 'Q': {}, 'R': {}, 'a': {}, 'b': {}, 'd': {}, '}': {},
	'e': {}, 'l': {}, ']': {}, 'o': {}, 's': {}, 't': {}, ')': {}, 'u': {},
	'F': {argLines, 1}, 'I': {argLines, 1}, 'L': {argLines, 1}, 'P': {argLines, 1}, 'S': {argLines, 1},
	'V': {argLines, 1}, 'g': {argLines, 1}, 'p': {argLines, 1}, 'c': {argLines, 2}, 'i': {argLines, 2},
	'J': {argFixed, 4}, 'K': {argFixed, 1}, 'M': {argFixed, 2}, 'h': {argFixed, 1}, 'j': {argFixed, 4},
	'q': {argFixed, 1}, 'r': {argFixed, 4}, 'G': {argFixed, 8},
	'T': {argCounted, 4}, 'U': {argCounted, 1}, 'X': {argCounted, 4}, 'B': {argCounted, 4}, 'C': {argCounted, 1},
	// protocol 2
	0x80: {argFixed, 1}, 0x81: {}, 0x82: {argFixed, 1}, 0x83: {argFixed, 2}, 0x84: {argFixed, 4},
	0x85: {}, 0x86: {}, 0x87: {}, 0x88: {}, 0x89: {}, 0x8a: {argCounted, 1}, 0x8b: {argCounted, 4},
	// protocol 4
	0x8c: {argCounted, 1}, 0x8d: {argCounted, 8}, 0x8e: {argCounted, 8}, 0x8f: {}, 0x90: {}, 0x91: {},
	0x92: {}, 0x93: {}, 0x94: {}, 0x95: {argFrame, 8},
	// protocol 5
	0x96: {argCounted, 8}, 0x97: {}, 0x98: {},
}
