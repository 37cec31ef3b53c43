// Package crypt compresses (zstd) and encrypts (age) a set's files before
// they are stored, and turns them back into the exported bytes for a
// restore. It implements dbbackup.Encoder; no age or zstd program is
// needed, on either side.
package crypt

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"github.com/dbbackup/dbbackup"
	"github.com/klauspost/compress/zstd"
)

// Encoder compresses csv and json files with zstd when asked to (xlsx,
// csv.zip and dump files are compressed already) and encrypts every file
// to its recipients when it has any.
type Encoder struct {
	recipients []age.Recipient
	zstd       bool
}

var _ dbbackup.Encoder = (*Encoder)(nil)

// New returns the Encoder for these recipients (none: no encryption) and
// compression (dbbackup.CompressionZstd or "": none). It is nil when it
// would change nothing.
func New(recipients []age.Recipient, compression string) *Encoder {
	if len(recipients) == 0 && compression == "" {
		return nil
	}
	return &Encoder{recipients: recipients, zstd: compression == dbbackup.CompressionZstd}
}

// Encoding implements dbbackup.Encoder.
func (e *Encoder) Encoding(name string, f dbbackup.Format) dbbackup.Encoding {
	var enc dbbackup.Encoding
	if e.zstd && compressible(name, f) {
		enc.Compression = dbbackup.CompressionZstd
	}
	enc.Encrypted = len(e.recipients) > 0
	return enc
}

// compressible: a file of text that no format compresses itself.
func compressible(name string, f dbbackup.Format) bool {
	switch f {
	case dbbackup.FormatCSV:
		return strings.HasSuffix(name, ".csv") // a .csv.zip is compressed
	case dbbackup.FormatJSON:
		return true
	}
	return false
}

// Encode implements dbbackup.Encoder: zstd first, then age.
func (e *Encoder) Encode(name string, f dbbackup.Format, w io.Writer) (io.WriteCloser, error) {
	enc := e.Encoding(name, f)
	var closers []io.Closer
	var top io.Writer = w
	if enc.Encrypted {
		aw, err := age.Encrypt(top, e.recipients...)
		if err != nil {
			return nil, fmt.Errorf("encrypt: %w", err)
		}
		top, closers = aw, append(closers, aw)
	}
	if enc.Compression == dbbackup.CompressionZstd {
		zw, err := zstd.NewWriter(top)
		if err != nil {
			return nil, fmt.Errorf("compress: %w", err)
		}
		top, closers = zw, append(closers, zw)
	}
	return &chain{Writer: top, closers: closers}, nil
}

// chain is a stack of writers, closed from the outermost (the last
// added) in.
type chain struct {
	io.Writer
	closers []io.Closer
}

func (c *chain) Close() error {
	var errs []error
	for i := len(c.closers) - 1; i >= 0; i-- {
		if err := c.closers[i].Close(); err != nil {
			errs = append(errs, err)
			break // the inner ones would seal a stream that is incomplete
		}
	}
	return errors.Join(errs...)
}
