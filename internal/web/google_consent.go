package web

import (
	"net/url"
	"sync"
	"time"

	"github.com/dbbackup/dbbackup/internal/googleauth"
)

// consentLife is how long a consent waits for Google's answer.
const consentLife = 10 * time.Minute

// consents keeps the consents begun on the Google page until their
// answer comes: each one's state and PKCE verifier never leave the
// server, and only the user who began one may finish it.
type consents struct {
	now func() time.Time

	mu      sync.Mutex
	pending []pendingConsent
}

type pendingConsent struct {
	user    string
	at      time.Time
	client  *googleauth.Client
	consent *googleauth.Consent
	// paste: the answer comes pasted, not to /google/callback.
	paste bool
}

// maxPending bounds the consents one user may have waiting; the oldest
// goes first.
const maxPending = 4

// add keeps a consent user began.
func (cs *consents) add(user string, client *googleauth.Client, c *googleauth.Consent, paste bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.expireLocked()
	mine := 0
	for i := len(cs.pending) - 1; i >= 0; i-- {
		if cs.pending[i].user != user {
			continue
		}
		if mine++; mine >= maxPending {
			cs.pending = append(cs.pending[:i], cs.pending[i+1:]...)
		}
	}
	cs.pending = append(cs.pending, pendingConsent{user: user, at: cs.now(), client: client, consent: c, paste: paste})
}

// take removes and returns the consent of user that answer (Google's
// redirect query) answers: one carrying its state. An answer is taken
// once.
func (cs *consents) take(user string, answer url.Values) (pendingConsent, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.expireLocked()
	for i, p := range cs.pending {
		if p.user == user && p.consent.Matches(answer) {
			cs.pending = append(cs.pending[:i], cs.pending[i+1:]...)
			return p, true
		}
	}
	return pendingConsent{}, false
}

// pasting is user's newest consent that waits for a pasted address.
func (cs *consents) pasting(user string) (pendingConsent, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.expireLocked()
	for i := len(cs.pending) - 1; i >= 0; i-- {
		if p := cs.pending[i]; p.user == user && p.paste {
			return p, true
		}
	}
	return pendingConsent{}, false
}

func (cs *consents) expireLocked() {
	now := cs.now()
	kept := cs.pending[:0]
	for _, p := range cs.pending {
		if now.Sub(p.at) < consentLife {
			kept = append(kept, p)
		}
	}
	cs.pending = kept
}
