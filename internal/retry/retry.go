// Package retry retries the calls of any Destination that fail with a
// temporary error, with exponential backoff and jitter. Adapters say which
// errors are temporary by wrapping them with Temporary; everything else is
// permanent and returned at once.
package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/dbbackup/dbbackup"
)

// TemporaryError marks an error that may go away if the call is repeated:
// a rate limit, a 5xx, a cut connection.
type TemporaryError struct {
	Err error
	// After is how long the server asked to wait (Retry-After), or 0.
	After time.Duration
	// Tries, when above 0, bounds the attempts below the policy's: for an
	// error that goes away soon or not at all, such as a host name that
	// does not resolve.
	Tries int
}

func (e *TemporaryError) Error() string { return e.Err.Error() }
func (e *TemporaryError) Unwrap() error { return e.Err }

// Temporary marks err as temporary; after is the server's Retry-After.
func Temporary(err error, after time.Duration) error {
	if err == nil {
		return nil
	}
	return &TemporaryError{Err: err, After: after}
}

// Policy says how often and how long to retry.
type Policy struct {
	Tries int           // attempts in all, the first included
	Base  time.Duration // the first wait; each further wait doubles
	Max   time.Duration // no wait is longer
}

// DefaultPolicy waits 1, 2, 4, 8, 16, 16, … seconds plus up to a second of
// jitter, 10 attempts in all: about two minutes before giving up.
var DefaultPolicy = Policy{Tries: 10, Base: time.Second, Max: 16 * time.Second}

// Do calls fn until it succeeds, fails with an error that is not
// temporary, the attempts run out, or ctx is done.
func (p Policy) Do(ctx context.Context, log *slog.Logger, what string, fn func() error) error {
	var err error
	for attempt := 1; ; attempt++ {
		if err = fn(); err == nil {
			return nil
		}
		var te *TemporaryError
		if !errors.As(err, &te) {
			return err
		}
		if attempt >= p.Tries || (te.Tries > 0 && attempt >= te.Tries) {
			return fmt.Errorf("%s: gave up after %d attempts: %w", what, attempt, err)
		}
		wait := p.wait(attempt, te.After)
		log.Warn("temporary failure, retrying", "call", what, "attempt", attempt, "wait", wait.Round(time.Millisecond), "err", err)
		select {
		case <-ctx.Done():
			return errors.Join(ctx.Err(), err)
		case <-time.After(wait):
		}
	}
}

func (p Policy) wait(attempt int, after time.Duration) time.Duration {
	d := p.Base << (attempt - 1)
	if d > p.Max || d <= 0 {
		d = p.Max
	}
	if after > d {
		d = after
	}
	return d + time.Duration(rand.Int64N(int64(p.Base)+1))
}

// Destination retries the calls of the destination it wraps. Put is
// retried only when its reader can be rewound (an *os.File can).
type Destination struct {
	dbbackup.Destination
	Policy Policy
	Log    *slog.Logger
}

// Put implements dbbackup.Destination.
func (d *Destination) Put(ctx context.Context, f dbbackup.File, r io.Reader) (dbbackup.File, error) {
	seeker, rewindable := r.(io.Seeker)
	var stored dbbackup.File
	var last error
	err := d.Policy.Do(ctx, d.Log, "upload "+f.Name, func() error {
		if last != nil {
			if !rewindable {
				return fmt.Errorf("cannot retry, the data cannot be read again: %w", errors.Unwrap(last))
			}
			if _, err := seeker.Seek(0, io.SeekStart); err != nil {
				return err
			}
		}
		var err error
		stored, err = d.Destination.Put(ctx, f, r)
		last = err
		return err
	})
	return stored, err
}

// List implements dbbackup.Destination.
func (d *Destination) List(ctx context.Context) ([]dbbackup.File, error) {
	var files []dbbackup.File
	err := d.Policy.Do(ctx, d.Log, "list", func() error {
		var err error
		files, err = d.Destination.List(ctx)
		return err
	})
	return files, err
}

// Open implements dbbackup.Destination. Only opening is retried; a read
// that fails later is the caller's to repeat.
func (d *Destination) Open(ctx context.Context, f dbbackup.File) (io.ReadCloser, error) {
	var rc io.ReadCloser
	err := d.Policy.Do(ctx, d.Log, "download "+f.Name, func() error {
		var err error
		rc, err = d.Destination.Open(ctx, f)
		return err
	})
	return rc, err
}

// Delete implements dbbackup.Destination.
func (d *Destination) Delete(ctx context.Context, f dbbackup.File) error {
	return d.Policy.Do(ctx, d.Log, "delete "+f.Name, func() error { return d.Destination.Delete(ctx, f) })
}
