package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"

	"github.com/dbbackup/dbbackup"
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

// setResult is a result about one set of a job.
type setResult interface{ ofSet() (job, set string) }

// keptSetResult is the T kept as the id in r's path, when it is about the
// job and set in r's path. Otherwise it answers 404, saying that this
// result (what: "verification") is no longer kept and what to do instead
// (again), and ok is false.
func keptSetResult[T setResult](s *Server, w http.ResponseWriter, r *http.Request, what, again string) (res T, ok bool) {
	v, found := s.results.get(r.PathValue("id"))
	res, ok = v.(T)
	if found && ok {
		job, set := res.ofSet()
		ok = job == r.PathValue("job") && set == r.PathValue("set")
	}
	if !found || !ok {
		s.fail(w, r, http.StatusNotFound, dbbackup.WithHint(
			fmt.Errorf("this %s of set %s is no longer kept: the server keeps the last %d results until it restarts", what, r.PathValue("set"), maxResults),
			"%s", again))
		return res, false
	}
	return res, true
}
