package sheets

import (
	"context"
	"sync"
	"time"
)

// pacer keeps write requests under a quota of limit in any window, the
// way Google counts its per-user quota of write requests a minute: a
// request may go at once if fewer than limit went in the last window,
// else when the oldest of them leaves it. A sync of a few requests goes
// at full speed; a long one settles at limit a window. One pacer serves
// every sync of a Syncer, since its syncs share the account's quota.
type pacer struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	sent   []time.Time // when the last limit requests go, oldest first
}

// quotaWindow is Google's minute with a margin for the time a request
// takes to reach it: a request counted later than it was sent must not
// make a window of Google's hold one too many.
const quotaWindow = time.Minute + 2*time.Second

// wait returns when the next request may go, or when ctx is done.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	at := time.Now()
	if len(p.sent) >= p.limit {
		if free := p.sent[0].Add(p.window); free.After(at) {
			at = free
		}
		p.sent = p.sent[1:]
	}
	p.sent = append(p.sent, at)
	p.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
