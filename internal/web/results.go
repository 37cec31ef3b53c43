package web

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
)

// maxResults is how many results the server keeps for their pages: the
// newest ones; an older result's page says it is gone.
const maxResults = 100

// resultStore keeps what a POST found (a set verified) for the page the
// browser is sent to after it (POST, redirect, GET): a reload of that
// page shows the result again instead of asking to send the form again,
// and doing the work twice. They live in memory: a restart forgets them.
// Safe for concurrent use.
type resultStore struct {
	mu    sync.Mutex
	byID  map[string]any
	order []string // oldest first
}

func newResultStore() *resultStore { return &resultStore{byID: map[string]any{}} }

// put keeps v and returns the id of its page: random, so that one
// person's result is not found by counting.
func (r *resultStore) put(v any) string {
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[id] = v
	r.order = append(r.order, id)
	if len(r.order) > maxResults {
		delete(r.byID, r.order[0])
		r.order = r.order[1:]
	}
	return id
}

// get returns the result kept as id.
func (r *resultStore) get(id string) (any, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.byID[id]
	return v, ok
}
