package dbbackup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// Storing a file while it is written. A network upload of a large file
// takes about as long as writing it; one after the other, a run takes
// their sum. So where the destination is a network one
// (Runner.StoreWhileWriting), a text format's file starts its upload when
// its exporter starts, reading the file as it grows, and the two overlap.
//
// The bytes sent are what the exporter wrote, read back from the file;
// nothing says they are what the file holds once sealed (a writer may go
// back and patch a header, as the xlsx writer does for a sheet over
// 4 GiB). So the stored file counts only when its size and md5 are those
// of the sealed file. Otherwise it is deleted and the sealed file is
// uploaded again the ordinary way, with retries: following a file can
// cost time, never a wrong backup.

// followPoll is how long a follower waits, at the end of what is written,
// before it looks again.
const followPoll = 20 * time.Millisecond

// follower reads a file that an exporter is still writing. At the end of
// what is written so far it waits for more; it ends (io.EOF) once the
// exporter has returned without error and every byte is read, and fails
// with the exporter's error if it failed.
type follower struct {
	ctx context.Context
	w   *writing // the file, and whether its exporter returned
	f   *os.File
}

func (r *follower) Read(p []byte) (int, error) {
	for {
		finished := false
		select {
		case <-r.w.written:
			if r.w.werr != nil {
				return 0, fmt.Errorf("the file was not written: %w", r.w.werr)
			}
			finished = true
		default:
		}
		if r.f == nil {
			f, err := os.Open(r.w.path)
			switch {
			case err == nil:
				r.f = f
			case !errors.Is(err, fs.ErrNotExist) || finished:
				return 0, err
			}
		}
		if r.f != nil {
			n, err := r.f.Read(p)
			if n > 0 || (err != nil && err != io.EOF) {
				return n, err
			}
			if finished { // checked before this read: nothing more comes
				return 0, io.EOF
			}
		}
		select {
		case <-r.ctx.Done():
			return 0, context.Cause(r.ctx)
		case <-r.w.written:
		case <-time.After(followPoll):
		}
	}
}

func (r *follower) close() {
	if r.f != nil {
		r.f.Close()
	}
}

// writing is a file an exporter is writing, for the upload that reads it
// as it grows: finish tells it that the exporter returned, and how.
type writing struct {
	path    string
	written chan struct{} // closed by finish: the exporter returned
	werr    error         // the exporter's error, set before written is closed
}

func newWriting(path string) *writing { return &writing{path: path, written: make(chan struct{})} }

// finish tells the upload that the exporter returned, with err.
func (w *writing) finish(err error) {
	w.werr = err
	close(w.written)
}

// early is the upload of one file that began while the file was written.
type early struct {
	done chan struct{} // closed once the upload ended
	file File          // what the destination stored, once done is closed
	err  error         // the upload's error, once done is closed
}

// wait waits for the upload to end and returns what it stored.
func (e *early) wait() (File, error) {
	<-e.done
	return e.file, e.err
}

// follows tells whether the file name of format f is uploaded while it is
// written: only with a network destination, only the formats that write
// rows themselves (pg_dump seeks back to finish its archive), and only
// files stored as written (an encoded file is another file, made after).
func (r *Runner) follows(st *staging, name string, f Format) bool {
	if !r.StoreWhileWriting {
		return false
	}
	if info, _ := lookup(f); info.PgDump {
		return false
	}
	return st.storedAsWritten(name, f)
}

// upload starts the upload of the file w is writing. Neither its size
// nor its md5 is known yet: the destination stores what it reads.
func (r *Runner) upload(ctx context.Context, st *staging, w *writing, name string, f Format) *early {
	e := &early{done: make(chan struct{})}
	go func() {
		defer close(e.done)
		in := &follower{ctx: ctx, w: w}
		defer in.close()
		e.file, e.err = r.Dest.Put(ctx, File{Name: name, SetID: st.setID, Job: st.job, Database: st.database, Format: f}, in)
	}()
	return e
}

// keep waits for the upload to end and returns what it stored if that is
// the sealed file f. Otherwise it deletes whatever it stored and returns
// ok false: the caller stores f anew. A cancelled run is an error.
func (r *Runner) keep(ctx context.Context, e *early, f File) (stored File, ok bool, err error) {
	up, uerr := e.wait()
	if ctx.Err() != nil {
		return File{}, false, context.Cause(ctx)
	}
	if uerr == nil && up.MD5 != "" && up.MD5 == f.MD5 && up.Size == f.Size {
		return up, true, nil
	}
	why := "its size or md5 differs from the finished file's"
	if uerr != nil {
		why = uerr.Error()
	}
	r.Log.Warn("the upload that followed the file as it was written is not kept: storing the finished file", "file", f.Name, "why", why)
	if up.ID != "" {
		if err := r.Dest.Delete(ctx, up); err != nil {
			return File{}, false, fmt.Errorf("delete %s, uploaded while it was written: %w", f.Name, err)
		}
	}
	return File{}, false, nil
}
