// Package exporttest is the contract every dbbackup.Exporter must keep, as
// a test suite: call Run from each exporter's tests. It also holds what
// the exporters' tests and benchmarks share: a synthetic table whose rows
// come in PostgreSQL's text forms, made without allocating, as a database
// driver hands them over.
package exporttest

import (
	"strconv"

	"github.com/dbbackup/dbbackup"
)

// Table is a 10-column table like a real one: text with commas, quotes,
// newlines and Cyrillic unique per row, int, numeric, timestamptz, date,
// jsonb, bool, float, uuid, and 10 % NULL.
var Table = dbbackup.Table{Schema: "public", Name: "orders", Columns: []dbbackup.Column{
	{Name: "id", Type: "bigint", Kind: dbbackup.KindInt},
	{Name: "name", Type: "text", Kind: dbbackup.KindText},
	{Name: "note", Type: "text", Kind: dbbackup.KindText},
	{Name: "amount", Type: "numeric(15,6)", Kind: dbbackup.KindNumeric},
	{Name: "created_at", Type: "timestamp with time zone", Kind: dbbackup.KindTimestampTZ},
	{Name: "day", Type: "date", Kind: dbbackup.KindDate},
	{Name: "data", Type: "jsonb", Kind: dbbackup.KindJSON},
	{Name: "active", Type: "boolean", Kind: dbbackup.KindBool},
	{Name: "score", Type: "double precision", Kind: dbbackup.KindFloat},
	{Name: "uid", Type: "uuid", Kind: dbbackup.KindUUID},
}}

// Header is Table's CSV header line.
const Header = "id,name,note,amount,created_at,day,data,active,score,uid\n"

// Synth makes Table's rows, reusing its buffers: a row is valid until the
// next call.
type Synth struct {
	bufs [10][]byte
	vals [10][]byte
}

// Row returns row i, in Table's column order; nil is NULL.
func (s *Synth) Row(i int) [][]byte {
	b := &s.bufs
	b[0] = strconv.AppendInt(b[0][:0], int64(i), 10)
	b[1] = append(append(b[1][:0], "Клиент №"...), b[0]...)
	b[2] = append(append(append(b[2][:0], "Заказ "...), b[0]...), ", \"срочно\"\nвторая строка, ok"...)
	b[3] = append(strconv.AppendInt(b[3][:0], int64(i*7919%1000000000), 10), ".125000"...)
	b[4] = append(pad2(append(pad2(append(b[4][:0], "2026-02-10 02:"...), i/60%60), ':'), i%60), ".123456+03"...)
	b[5] = pad2(append(pad2(append(b[5][:0], "2026-"...), i%12+1), '-'), i%28+1)
	b[6] = append(append(append(b[6][:0], `{"n": `...), b[0]...), `, "ok": true, "tags": ["a", "b"]}`...)
	b[7] = append(b[7][:0], "ft"[i%2])
	b[8] = strconv.AppendFloat(b[8][:0], float64(i)*1.1, 'g', -1, 64)
	b[9] = strconv.AppendInt(append(b[9][:0], "6f1c2a9e-0000-4000-8000-001"...), int64(i)+1e10, 16)
	for c := range s.vals {
		s.vals[c] = b[c]
		if c > 0 && (i+c)%10 == 0 {
			s.vals[c] = nil // NULL: one column in ten
		}
	}
	return s.vals[:]
}

func pad2(dst []byte, n int) []byte { return append(dst, byte('0'+n/10), byte('0'+n%10)) }
