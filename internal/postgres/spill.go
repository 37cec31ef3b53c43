package postgres

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
)

// pgconn reads each protocol message whole into memory: a row holding a
// 200 MB value would cost 200 MB, and formatting it as much again. A
// spillConn sits between pgconn and the server's socket and keeps such rows
// out of memory. While it is armed (during Rows, whose query asks for text
// format), it passes every message on unchanged except a DataRow longer
// than bigRow: of that row, each field longer than spillField goes to a
// temporary file, and the row pgconn sees holds a marker in its place, a
// NUL byte and the file's number. No value in text format begins with NUL
// (PostgreSQL's text cannot hold one), so no value is mistaken for a
// marker.
//
// Reading a small row costs a look at its 5-byte header; the server does
// no extra work at all. (Selecting a prefix and the length of every
// variable-length column instead, and fetching long values in pieces,
// added 0.4-0.5 s of the server's CPU per million rows of the bench table:
// the server's core bounds the export, so that would have slowed every
// backup.)
const (
	bigRow     = 1 << 20
	spillField = 64 << 10
)

// spillConn is a net.Conn; see bigRow. Reads hold reading: pgconn may
// read from two goroutines at once (when it closes a connection after an
// error, it drains the socket while its background reader may still be in
// a read), which a net.Conn allows and the state below would not survive.
// The spilled files are handed over under mu.
type spillConn struct {
	net.Conn
	dir   string // where spilled values wait; "" is os.TempDir()
	armed atomic.Bool

	reading sync.Mutex // held by Read: in, pass, body, row, out and tmp are its

	mu      sync.Mutex
	spilled map[uint64]spilledValue
	seq     uint64
	waiting atomic.Int64 // len(spilled), read without the lock for every row

	in   []byte // bytes read from the server, not yet passed on
	pass int    // how many bytes at the start of in were scanned and may pass
	body int    // bytes left of the message being passed on
	row  *row   // the big DataRow being rewritten
	out  []byte // the rewritten row, waiting to be passed on
	tmp  []byte // a read buffer while a big row is rewritten
}

type spilledValue struct {
	f    *os.File
	size int64
}

// markerLen is the length of a marker: NUL and a big-endian uint64.
const markerLen = 9

// row is the state of a big DataRow being rewritten. A read may fail half
// way (pgconn interrupts reads with a deadline): rewriting resumes where
// it stopped.
type row struct {
	acc    []byte // the header and field count, then a field's length, being read
	want   int    // how many bytes acc must hold
	out    []byte // the rewritten message so far
	fields int    // fields not yet read
	need   int    // bytes left of the field being read
	file   *os.File
	inHead bool
}

func (c *spillConn) arm(on bool) {
	c.armed.Store(on)
	if !on {
		c.mu.Lock()
		for seq, v := range c.spilled {
			v.f.Close()
			delete(c.spilled, seq)
		}
		c.waiting.Store(0)
		c.mu.Unlock()
	}
}

// value returns the spilled value a marker stands for, and takes it out
// of the connection's keeping: the caller closes its file.
func (c *spillConn) value(marker []byte) (spilledValue, bool) {
	if len(marker) != markerLen || marker[0] != 0 {
		return spilledValue{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	seq := binary.BigEndian.Uint64(marker[1:])
	v, ok := c.spilled[seq]
	if ok {
		delete(c.spilled, seq)
		c.waiting.Add(-1)
	}
	return v, ok
}

// Read implements net.Conn.
func (c *spillConn) Read(p []byte) (int, error) {
	c.reading.Lock()
	defer c.reading.Unlock()
	for {
		switch {
		case len(c.out) > 0:
			n := copy(p, c.out)
			c.out = c.out[n:]
			return n, nil
		case c.pass > 0:
			n := copy(p, c.in[:c.pass])
			c.in = c.in[n:]
			c.pass -= n
			return n, nil
		case c.row != nil:
			if err := c.readRow(); err != nil {
				return 0, err
			}
		case len(c.in) == 0:
			// The usual case: read straight into p, and pass on all of it
			// but a message header that is not whole yet or starts a big row.
			n, err := c.Conn.Read(p)
			k := c.scan(p[:n])
			if k < n {
				c.in = append(c.in, p[k:n]...)
			}
			if k > 0 || err != nil {
				return k, err
			}
		default:
			if c.pass = c.scan(c.in); c.pass > 0 || c.row != nil {
				continue
			}
			// A header split between reads: read the rest of it.
			if c.tmp == nil {
				c.tmp = make([]byte, 64<<10)
			}
			n, err := c.Conn.Read(c.tmp)
			c.in = append(c.in, c.tmp[:n]...)
			if err != nil && n == 0 {
				return 0, err
			}
		}
	}
}

// scan follows the message boundaries in b and returns how many bytes of
// b may pass on as they are. It stops at a header not wholly in b, and at
// a big DataRow, which it starts rewriting.
func (c *spillConn) scan(b []byte) int {
	i := 0
	for i < len(b) {
		if c.body > 0 {
			k := min(c.body, len(b)-i)
			c.body -= k
			i += k
			continue
		}
		if len(b)-i < 5 {
			return i
		}
		n := int(binary.BigEndian.Uint32(b[i+1:])) - 4
		if b[i] == 'D' && n > bigRow && c.armed.Load() {
			c.row = &row{want: 7, inHead: true}
			return i
		}
		c.body = max(n, 0)
		i += 5
	}
	return i
}

// read returns up to n bytes: those held back first, then the server's.
func (c *spillConn) read(n int) ([]byte, error) {
	if len(c.in) > 0 {
		n = min(n, len(c.in))
		b := c.in[:n]
		c.in = c.in[n:]
		return b, nil
	}
	if c.tmp == nil {
		c.tmp = make([]byte, 64<<10)
	}
	k, err := c.Conn.Read(c.tmp[:min(n, len(c.tmp))])
	return c.tmp[:k], err
}

// readRow reads the big DataRow c.row and leaves its rewritten form in
// c.out.
func (c *spillConn) readRow() error {
	r := c.row
	for {
		if len(r.acc) < r.want {
			b, err := c.read(r.want - len(r.acc))
			r.acc = append(r.acc, b...)
			if err != nil {
				return err
			}
			continue
		}
		switch {
		case r.inHead: // type, length, field count
			r.inHead = false
			r.fields = int(binary.BigEndian.Uint16(r.acc[5:7]))
			r.out = append(r.out, r.acc...)
			r.acc, r.want = r.acc[:0], 4
		case r.need == 0 && r.want == 4: // a field's length
			n := int(int32(binary.BigEndian.Uint32(r.acc)))
			r.acc, r.want = r.acc[:0], 0
			if n > spillField {
				if err := c.startSpill(r, n); err != nil {
					return err
				}
			} else {
				r.out = binary.BigEndian.AppendUint32(r.out, uint32(int32(n)))
				r.need = max(n, 0)
			}
		case r.need > 0: // a field's bytes
			b, err := c.read(r.need)
			r.need -= len(b)
			if r.file == nil {
				r.out = append(r.out, b...)
			} else if _, werr := r.file.Write(b); werr != nil {
				return fmt.Errorf("keep a long value in a temporary file: %w", werr)
			}
			if err != nil {
				return err
			}
		}
		if r.need == 0 && r.want == 0 { // a field is complete
			r.file = nil
			r.fields--
			r.want = 4
		}
		if r.fields == 0 && !r.inHead && r.need == 0 {
			binary.BigEndian.PutUint32(r.out[1:5], uint32(len(r.out)-1))
			c.out, c.row = r.out, nil
			return nil
		}
	}
}

// startSpill sends the next n bytes of row r to a new temporary file,
// unlinked at once so that nothing is left behind whatever happens, and
// puts the marker in the row.
func (c *spillConn) startSpill(r *row, n int) error {
	f, err := os.CreateTemp(c.dir, "dbbackup-value-*")
	if err != nil {
		return fmt.Errorf("keep a long value in a temporary file: %w", err)
	}
	os.Remove(f.Name())
	c.mu.Lock()
	c.seq++
	seq := c.seq
	if c.spilled == nil {
		c.spilled = map[uint64]spilledValue{}
	}
	c.spilled[seq] = spilledValue{f: f, size: int64(n)}
	c.waiting.Add(1)
	c.mu.Unlock()
	r.out = binary.BigEndian.AppendUint32(r.out, markerLen)
	r.out = append(r.out, 0)
	r.out = binary.BigEndian.AppendUint64(r.out, seq)
	r.file, r.need = f, n
	return nil
}
