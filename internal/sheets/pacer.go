package sheets

import (
	"context"
	"sync"
	"time"
)

// pacer spaces requests evenly: Google counts write requests per user in
// any minute, so requests at most every minute/limit never exceed limit in
// a minute, whatever their size. One pacer serves every sync of a Syncer,
// since its syncs share the account's quota.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

// wait returns when the next request may go, or when ctx is done.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval)
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
