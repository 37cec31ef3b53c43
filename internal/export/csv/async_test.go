package csv

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

func TestAsyncWriterPassesEverythingOn(t *testing.T) {
	a := newAsyncWriter()
	rng := rand.New(rand.NewPCG(1, 2))
	for entry := range 3 { // one asyncWriter serves several entries
		var want, got bytes.Buffer
		a.start(&got)
		for want.Len() < 3*bufferSize+entry*1000 {
			p := make([]byte, rng.IntN(2*bufferSize/3)+entry)
			for i := range p {
				p[i] = byte(rng.Uint32())
			}
			want.Write(p)
			if n, err := a.Write(p); n != len(p) || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if err := a.finish(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("entry %d: %d bytes passed on, want %d identical", entry, got.Len(), want.Len())
		}
	}
}

// failAfter accepts n bytes, then fails like a full disk.
type failAfter struct{ n int }

var errNoSpace = errors.New("no space left on device")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return f.n, errNoSpace
	}
	f.n -= len(p)
	return len(p), nil
}

func TestAsyncWriterStopsOnError(t *testing.T) {
	a := newAsyncWriter()
	a.start(&failAfter{n: bufferSize + 50})
	chunk := make([]byte, 1000)
	written := 0
	var err error
	for written < 1000*bufferSize && err == nil {
		var n int
		n, err = a.Write(chunk)
		written += n
	}
	if !errors.Is(err, errNoSpace) {
		t.Errorf("Write error %v, want %v", err, errNoSpace)
	}
	if written > (asyncBuffers+2)*bufferSize {
		t.Errorf("%d bytes accepted after the writer failed", written)
	}
	if err := a.finish(); !errors.Is(err, errNoSpace) {
		t.Errorf("finish: %v, want %v", err, errNoSpace)
	}

	// The next entry starts clean.
	var buf bytes.Buffer
	a.start(&buf)
	a.Write([]byte("ok"))
	if err := a.finish(); err != nil || buf.String() != "ok" {
		t.Errorf("after a failure: %q, %v", buf.String(), err)
	}
}
