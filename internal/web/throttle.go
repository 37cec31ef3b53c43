package web

import (
	"strings"
	"sync"
	"time"
)

// backoff is a throttle's policy: after free failures, each further
// failure doubles the wait, from first up to most; failures older than
// forget no longer count.
type backoff struct {
	free        int
	first, most time.Duration
	forget      time.Duration
}

// Sign-in attempts are throttled per account and per address. An account's
// wait is capped low (two minutes) because anyone can fail on purpose to
// lock its owner out: an attacker spread over many addresses then gets
// one guess every two minutes, and the owner waits two minutes at most.
// An address's wait grows longer: it only stops that address.
var (
	accountBackoff = backoff{free: 5, first: 2 * time.Second, most: 2 * time.Minute, forget: time.Hour}
	addressBackoff = backoff{free: 10, first: 2 * time.Second, most: 30 * time.Minute, forget: 6 * time.Hour}
)

// maxStrikes bounds the memory a flood of made-up names can take: past it,
// the entries that block nothing now are dropped.
const maxStrikes = 10000

// throttle counts failures per key. It is safe for concurrent use.
type throttle struct {
	policy  backoff
	mu      sync.Mutex
	strikes map[string]*strike
}

type strike struct {
	failures int
	last     time.Time // the newest failure
	until    time.Time // no attempt before this
}

func newThrottle(p backoff) *throttle { return &throttle{policy: p, strikes: map[string]*strike{}} }

// wait is how long key must wait before its next attempt; 0 when it may
// try now.
func (t *throttle) wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := t.strikes[key]; s != nil && now.Before(s.until) {
		return s.until.Sub(now)
	}
	return 0
}

// fail counts a failure of key at now.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.strikes[key]
	if s == nil || now.Sub(s.last) > t.policy.forget {
		if len(t.strikes) >= maxStrikes {
			t.prune(now)
		}
		s = &strike{}
		t.strikes[key] = s
	}
	s.failures++
	s.last = now
	if over := s.failures - t.policy.free; over > 0 {
		d := t.policy.most
		if over < 30 && t.policy.first<<(over-1) < d {
			d = t.policy.first << (over - 1)
		}
		s.until = now.Add(d)
	}
}

// succeed forgets key's failures.
func (t *throttle) succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.strikes, key)
}

func (t *throttle) prune(now time.Time) {
	for k, s := range t.strikes {
		if !now.Before(s.until) {
			delete(t.strikes, k)
		}
	}
}

// loginThrottle throttles sign-in per account and per address; a name
// that is no user is throttled exactly as one that is, so the answer
// tells nothing about which names exist.
type loginThrottle struct {
	account, address *throttle
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{account: newThrottle(accountBackoff), address: newThrottle(addressBackoff)}
}

func accountKey(name string) string { return strings.ToLower(name) }

// wait is how long a sign-in as name from addr must wait.
func (l *loginThrottle) wait(name, addr string, now time.Time) time.Duration {
	return max(l.account.wait(accountKey(name), now), l.address.wait(addr, now))
}

func (l *loginThrottle) failed(name, addr string, now time.Time) {
	l.account.fail(accountKey(name), now)
	l.address.fail(addr, now)
}

func (l *loginThrottle) succeeded(name, addr string) {
	l.account.succeed(accountKey(name))
	l.address.succeed(addr)
}
