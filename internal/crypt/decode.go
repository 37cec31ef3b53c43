package crypt

import (
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
	"github.com/dbbackup/dbbackup"
	"github.com/klauspost/compress/zstd"
)

var (
	// ErrNeedKey: the file is encrypted and no private key was given.
	ErrNeedKey = errors.New("it is encrypted, and no private key was given to open it")
	// ErrWrongKey: no key given is one the file was encrypted to.
	ErrWrongKey = errors.New("the private key given does not match any of the public keys it was encrypted to (BACKUP_ENCRYPT_RECIPIENTS when it was made)")
)

// Decode returns the exported bytes of a file stored with encoding e, read
// from r: decrypted with one of ids, then decompressed. Close releases the
// decompressor; it does not close r. The bytes are only as good as the
// file: check them against the manifest's PlainSHA256.
func Decode(r io.Reader, e dbbackup.Encoding, ids []age.Identity) (io.ReadCloser, error) {
	if e.Encrypted {
		if len(ids) == 0 {
			return nil, ErrNeedKey
		}
		dr, err := age.Decrypt(r, ids...)
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, ErrWrongKey
		}
		if err != nil {
			return nil, fmt.Errorf("decrypt: %w", err)
		}
		r = dr
	}
	switch e.Compression {
	case "":
		return io.NopCloser(r), nil
	case dbbackup.CompressionZstd:
		zr, err := zstd.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("decompress: %w", err)
		}
		return zr.IOReadCloser(), nil
	}
	return nil, fmt.Errorf("unknown compression %q: a newer dbbackup made it", e.Compression)
}
