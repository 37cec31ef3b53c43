package dbbackup

import (
	"io/fs"
	"os"
	"time"
)

// SealedFile is a staged file as a run hands it to Destination.Put: its
// writer closed it, the run fsynced it and has its sha256, taken of every
// byte on its way to the file (StreamExporter) or by reading the file
// whole, and noted its size and modification time once it was written. A
// destination that stores it without copying its bytes (the local folder
// gives the file a second name) may take that sum for the stored file's
// rather than read the file again: it would read the same bytes, at the
// end of a run that waits for it. Every other destination reads it as any
// file.
//
// The sum holds only while nothing has written the file since: SHA256
// says so by the file's size and modification time (a write changes the
// time, to the file system's tick).
type SealedFile struct {
	*os.File
	sha256  string
	size    int64
	modTime time.Time
}

// Sealed returns f as a SealedFile: sum is the sha256 of its bytes, which
// the caller wrote or read whole once they were written, and info is what
// f's Stat said once they were written (before the caller read them).
func Sealed(f *os.File, sum string, info fs.FileInfo) *SealedFile {
	return &SealedFile{File: f, sha256: sum, size: info.Size(), modTime: info.ModTime()}
}

// SHA256 returns the sum the file had when it was sealed; ok is false if
// its size or modification time has changed since, or it cannot tell.
func (s *SealedFile) SHA256() (sum string, ok bool) {
	info, err := s.Stat()
	if err != nil || info.Size() != s.size || !info.ModTime().Equal(s.modTime) {
		return "", false
	}
	return s.sha256, true
}
