package dbbackup

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
)

// encode replaces the exported file name with its stored form,
// name+e.Suffix(), in one pass: the exported bytes are checksummed as they
// are read, the stored ones as they are written. The stored form is
// written under a temporary name, fsynced and renamed, owner-only as every
// file of a run; then the exported file is removed.
func (s *staging) encode(name string, format Format, e Encoding) (f File, err error) {
	in, err := os.Open(s.path(name))
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	storedName := name + e.Suffix()
	tmp := s.path(storedName + ".tmp")
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return File{}, err
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(tmp)
		}
	}()
	stored := newHasher(s.md5)
	w, err := s.encoder.Encode(name, format, io.MultiWriter(out, stored))
	if err != nil {
		return File{}, fmt.Errorf("encode %s: %w", name, err)
	}
	plain := sha256.New()
	// The exported bytes are hashed on another core while they are
	// encoded: encoding is the slow part.
	n, err := io.Copy(parallelWriter{w, plain}, in)
	err = errors.Join(err, w.Close())
	if err == nil {
		err = out.Sync()
	}
	if err != nil {
		return File{}, fmt.Errorf("encode %s: %w", name, err)
	}
	if err = out.Close(); err != nil {
		return File{}, fmt.Errorf("encode %s: %w", name, err)
	}
	if err = os.Rename(tmp, s.path(storedName)); err != nil {
		return File{}, err
	}
	os.Remove(s.path(name))
	sum := stored.sums()
	return File{Name: storedName, SetID: s.setID, Job: s.job, Database: s.database, Format: format, Size: sum.n,
		SHA256: sum.sha256, MD5: sum.md5,
		Compression: e.Compression, Encrypted: e.Encrypted, PlainSHA256: hex.EncodeToString(plain.Sum(nil)), PlainSize: n}, nil
}
