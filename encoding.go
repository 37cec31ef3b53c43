package dbbackup

import (
	"io"
	"strings"
)

// The endings an Encoder appends to a file's name, in this order: a file
// compressed and encrypted is backup_….json.zst.age.
const (
	SuffixZstd = ".zst" // compressed with zstd
	SuffixAge  = ".age" // encrypted with age
)

// Compression names, as the manifest's files record them.
const CompressionZstd = "zstd"

// Encoding is what happens to an exported file before it is stored.
type Encoding struct {
	// Compression is CompressionZstd or "" (stored as exported).
	Compression string
	// Encrypted: the stored bytes are age's, to the job's recipients.
	Encrypted bool
}

// Suffix is the ending e appends to a file's name.
func (e Encoding) Suffix() string {
	s := ""
	if e.Compression == CompressionZstd {
		s += SuffixZstd
	}
	if e.Encrypted {
		s += SuffixAge
	}
	return s
}

// Encoder turns exported files into the bytes that are stored:
// compressed, encrypted (Runner.Encoder). The manifest is never given to
// it: it stays readable without a key, so that listing, retention and
// checksum verification need none.
type Encoder interface {
	// Encoding says what Encode does to the file of format f named name;
	// the zero Encoding stores it as exported.
	Encoding(name string, f Format) Encoding
	// Encode returns a writer that writes to w the stored form of the
	// bytes written to it. Close ends the stream (it does not close w);
	// until it returns without error the stored form is incomplete.
	Encode(name string, f Format, w io.Writer) (io.WriteCloser, error)
}

// plainName is name without the endings an Encoder appends, and the
// Encoding they say.
func plainName(name string) (string, Encoding) {
	var e Encoding
	if s, ok := strings.CutSuffix(name, SuffixAge); ok {
		name, e.Encrypted = s, true
	}
	if s, ok := strings.CutSuffix(name, SuffixZstd); ok {
		name, e.Compression = s, CompressionZstd
	}
	return name, e
}
