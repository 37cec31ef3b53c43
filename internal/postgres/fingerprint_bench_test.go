package postgres

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup/bench/benchtable"
	"github.com/dbbackup/dbbackup/internal/fingerprint"
	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// BenchmarkCopyCSV measures what fingerprinting adds to the csv export:
// CopyCSV of 200,000 rows shaped like the bench table's (ten mixed
// columns, a quoted name with a newline) from PostgreSQL, with the
// fingerprint taken as it is in every export, and without.
//
//	go test -run XXX -bench CopyCSV -benchtime 10x ./internal/postgres
func BenchmarkCopyCSV(b *testing.B) {
	db, err := New(pgtest.NewDatabase(b, benchtable.Script(200000)), 0)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	snap, err := db.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer snap.Close(ctx)
	s := snap.(*Snapshot)
	tables, err := s.Tables(ctx)
	if err != nil {
		b.Fatal(err)
	}
	// The two ways alternate, so that a change of the machine's load
	// falls on both; the process's CPU time is the cost to watch, as the
	// server's core bounds the wall time.
	var wall, cpu [2]time.Duration
	var size int64
	i := 0
	for b.Loop() {
		for k := range 2 {
			fp := (i+k)%2 == 1
			var h *fingerprint.Hash
			if fp {
				h = new(fingerprint.Hash)
			}
			cw := &countWriter{}
			start, cpu0 := time.Now(), cpuTime()
			if _, err := writeCSV(ctx, s.Rows, tables[0], cw, h); err != nil {
				b.Fatal(err)
			}
			m := 0
			if fp {
				m = 1
			}
			wall[m] += time.Since(start)
			cpu[m] += cpuTime() - cpu0
			size = cw.n
		}
		i++
	}
	mb := float64(size) * float64(i) / 1e6
	b.ReportMetric(mb/wall[0].Seconds(), "plain-MB/s")
	b.ReportMetric(mb/wall[1].Seconds(), "fingerprinted-MB/s")
	b.ReportMetric(mb/cpu[0].Seconds(), "plain-MB/cpu-s")
	b.ReportMetric(mb/cpu[1].Seconds(), "fingerprinted-MB/cpu-s")
	b.ReportMetric(100*(cpu[1].Seconds()/cpu[0].Seconds()-1), "%more-cpu")
}

// cpuTime is the CPU time this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
