package dbbackup

import (
	"context"
	"io"
)

// Destination is where backup sets are stored: a local folder, a Google
// Drive folder. Every implementation passes the contract suite in
// internal/destinationtest.
type Destination interface {
	// Put stores the bytes of r as a file named f.Name, tagged with
	// f.SetID and f.Format, and with f.Database and f.Job where the
	// destination keeps tags (List returns them). A partially stored file is never visible under
	// its name: after an error nothing is stored, or the stored file must
	// be removed by the implementation. When f.Size, f.SHA256 or f.MD5 is
	// set, Put compares them with what was stored (a destination that
	// keeps an md5 of its own, an MD5Keeper, may compare the md5 alone);
	// on a difference it removes the stored file and returns an error
	// wrapping ErrChecksumMismatch. It returns the stored file with ID,
	// Size, MD5 (where it has one) and, where the destination has one,
	// Link set. Putting a name that already exists
	// is an error; nothing is ever overwritten.
	Put(ctx context.Context, f File, r io.Reader) (File, error)

	// List returns every file in the destination, including files that
	// the tool did not make (SetID empty for those), in no particular
	// order.
	List(ctx context.Context) ([]File, error)

	// Open reads a stored file, found by f.ID (as List or Put returned
	// it). A missing file is an error wrapping ErrNotFound.
	Open(ctx context.Context, f File) (io.ReadCloser, error)

	// Delete removes a stored file, found by f.ID. A file that is already
	// gone is not an error.
	Delete(ctx context.Context, f File) error

	// String names the destination for people, e.g. "local folder
	// /var/backups/db". It holds no secret.
	String() string
}

// MD5Keeper is a Destination that keeps an md5 of every file it stores and
// checks what it stored by it, as Google Drive does (md5Checksum). A run
// computes each file's md5 for such a destination alone: md5 costs more
// CPU than all the rest of sealing a file, and every other destination
// checks the sha256 that every file has.
type MD5Keeper interface {
	Destination
	// KeepsMD5 marks the destination; it does nothing.
	KeepsMD5()
}

// keepsMD5 tells whether d wants each file's md5.
func keepsMD5(d Destination) bool {
	_, ok := d.(MD5Keeper)
	return ok
}
