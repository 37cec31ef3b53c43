package postgres

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"testing"
)

// trickle is a server that sends its bytes a few at a time, so that
// headers and fields fall across reads.
type trickle struct {
	net.Conn
	data []byte
	rnd  *rand.Rand
}

func (t *trickle) Read(p []byte) (int, error) {
	if len(t.data) == 0 {
		return 0, io.EOF
	}
	if t.rnd.IntN(40) == 0 { // pgconn interrupts a read with a deadline
		return 0, os.ErrDeadlineExceeded
	}
	n := 1 + t.rnd.IntN(9)
	if t.rnd.IntN(4) == 0 {
		n = 100000
	}
	n = copy(p[:min(len(p), n)], t.data)
	t.data = t.data[n:]
	return n, nil
}

func message(typ byte, body []byte) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{typ}, uint32(len(body)+4)), body...)
}

func dataRow(fields ...[]byte) []byte {
	body := binary.BigEndian.AppendUint16(nil, uint16(len(fields)))
	for _, f := range fields {
		if f == nil {
			body = binary.BigEndian.AppendUint32(body, 0xFFFFFFFF)
			continue
		}
		body = append(binary.BigEndian.AppendUint32(body, uint32(len(f))), f...)
	}
	return message('D', body)
}

func marker(seq uint64) []byte { return binary.BigEndian.AppendUint64([]byte{0}, seq) }

// TestSpillConn passes every message on unchanged but a DataRow over 1 MiB,
// whose fields over 64 KiB come out as markers of files holding them, however
// the bytes are split between the server's reads and pgconn's, and when a
// read is interrupted half way.
func TestSpillConn(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	long1 := bytes.Repeat([]byte("Имя, \"x\"\n"), 250000) // 2.75 MB
	long2 := bytes.Repeat([]byte{'z'}, spillField+1)
	mid := bytes.Repeat([]byte{'m'}, spillField) // kept: not over the limit
	small := dataRow([]byte("1"), nil, []byte(""), []byte("abc"))
	big := dataRow([]byte("abc"), nil, long1, []byte(""), long2, mid)
	over := dataRow(bytes.Repeat([]byte{'q'}, bigRow+1)) // one field, a big row

	stream := bytes.Join([][]byte{message('T', []byte("desc")), small, big, small, over, small, message('C', []byte("SELECT 3\x00")), message('Z', []byte("I"))}, nil)
	want := bytes.Join([][]byte{message('T', []byte("desc")), small,
		dataRow([]byte("abc"), nil, marker(1), []byte(""), marker(2), mid), small,
		dataRow(marker(3)), small, message('C', []byte("SELECT 3\x00")), message('Z', []byte("I"))}, nil)

	for _, armed := range []bool{true, false} {
		c := &spillConn{Conn: &trickle{data: stream, rnd: rnd}, dir: t.TempDir()}
		c.armed.Store(armed)
		var got []byte
		for {
			p := make([]byte, 1+rnd.IntN(300))
			n, err := c.Read(p)
			got = append(got, p[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal(err)
			}
		}
		if !armed {
			if !bytes.Equal(got, stream) {
				t.Errorf("disarmed: the stream changed")
			}
			continue
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("armed: got %d bytes, want %d", len(got), len(want))
		}
		for seq, value := range [][]byte{long1, long2, bytes.Repeat([]byte{'q'}, bigRow+1)} {
			v, ok := c.value(marker(uint64(seq + 1)))
			if !ok {
				t.Fatalf("no value for marker %d", seq+1)
			}
			kept, err := io.ReadAll(io.NewSectionReader(v.f, 0, v.size))
			if err != nil || !bytes.Equal(kept, value) {
				t.Errorf("value %d: %d bytes (%v), want %d", seq+1, len(kept), err, len(value))
			}
			v.f.Close()
		}
		if c.waiting.Load() != 0 {
			t.Errorf("%d values still waiting", c.waiting.Load())
		}
	}
}

// TestSpillConnReadsFromTwoGoroutines: pgconn drains a connection it closes
// after an error while its background reader may still be reading it. Two
// readers at once get every byte of the rewritten stream once between them
// (run with -race, a spillConn without its lock fails here, or panics).
func TestSpillConnReadsFromTwoGoroutines(t *testing.T) {
	long := bytes.Repeat([]byte{'x'}, bigRow+1)
	var stream, want []byte
	for i := range 20 {
		small := dataRow([]byte("row"), bytes.Repeat([]byte{'s'}, i*1000))
		stream = append(stream, small...)
		stream = append(stream, dataRow(long)...)
		want = append(want, small...)
		want = append(want, dataRow(marker(uint64(i+1)))...)
	}
	server, client := net.Pipe()
	go func() {
		for b := stream; len(b) > 0; {
			n, err := server.Write(b[:min(len(b), 777)])
			if err != nil {
				return
			}
			b = b[n:]
		}
		server.Close()
	}()
	c := &spillConn{Conn: client, dir: t.TempDir()}
	c.armed.Store(true)
	defer c.arm(false)
	counts := make(chan int)
	for range 2 {
		go func() {
			total := 0
			p := make([]byte, 8192)
			for {
				n, err := c.Read(p)
				total += n
				if err != nil {
					counts <- total
					return
				}
			}
		}()
	}
	if got := <-counts + <-counts; got != len(want) {
		t.Errorf("the two readers got %d bytes between them, want %d", got, len(want))
	}
}
