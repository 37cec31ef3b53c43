package googleauth

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"github.com/dbbackup/dbbackup"
	"golang.org/x/oauth2"
)

// TokenSource returns a token source for tok that refreshes the access
// token whenever it is about to expire, so uploads that outlast one access
// token go on, and saves the token file at path when the token changes.
// ctx carries the HTTP client for the token endpoint (oauth2.HTTPClient).
func TokenSource(ctx context.Context, cfg *oauth2.Config, tok *Token, path string, log *slog.Logger) *Source {
	return &Source{ctx: ctx, cfg: cfg, base: cfg.TokenSource(ctx, tok.OAuth2()), tok: *tok, path: path, log: log, last: tok.AccessToken}
}

// Source is an oauth2.TokenSource that saves the token file when the token
// changes.
type Source struct {
	ctx  context.Context
	cfg  *oauth2.Config
	path string
	log  *slog.Logger

	mu   sync.Mutex
	base oauth2.TokenSource
	tok  Token
	last string
}

// Invalidate drops the access token, so that the next call refreshes it:
// for when an API answers 401 although the token has not expired by the
// clock (it was revoked, or the clocks differ).
func (s *Source) Invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.base = s.cfg.TokenSource(s.ctx, &oauth2.Token{RefreshToken: s.tok.RefreshToken})
}

// Token implements oauth2.TokenSource.
func (s *Source) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	base := s.base
	s.mu.Unlock()
	t, err := base.Token()
	if err != nil {
		return nil, Explain(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.AccessToken != s.last {
		s.last = t.AccessToken
		s.tok.AccessToken, s.tok.Expiry = t.AccessToken, t.Expiry.UTC()
		if t.RefreshToken != "" {
			s.tok.RefreshToken = t.RefreshToken
		}
		if s.tok.pickle {
			return t, nil // kept in memory: the pickle stays as the Python scripts wrote it
		}
		// The access token still works from memory: a token file that
		// cannot be saved is worth a warning, not a failed backup.
		if err := WriteToken(s.path, &s.tok); err != nil {
			s.log.Warn("could not save the refreshed Google token", "file", s.path, "err", err)
		}
	}
	return t, nil
}

// Explain turns the token endpoint's refusals into errors that say what to
// do. Other errors are returned as they are.
func Explain(err error) error {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return dbbackup.WithHint(err, "this machine cannot reach Google's sign-in server (%s does not resolve): "+
			"check its DNS and network, and set HTTPS_PROXY if it must go through a proxy", dns.Name)
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	switch re.ErrorCode {
	case "invalid_grant":
		return &dbbackup.HintError{
			Err: errors.New("the refresh token in GOOGLE_TOKEN_FILE was refused by Google: it was revoked or has expired (invalid_grant)"),
			Hint: "run `dbbackup token` to authorize again. If this happens every week, the OAuth app is in \"Testing\" publishing status, " +
				"whose tokens expire after 7 days: publish it (Google Cloud Console → OAuth consent screen → Publish app)"}
	case "invalid_client", "unauthorized_client":
		return &dbbackup.HintError{
			Err:  errors.New("the OAuth client in GOOGLE_TOKEN_FILE is unknown to Google (" + re.ErrorCode + ")"),
			Hint: "the client was deleted or its secret reset: download credentials.json again and run `dbbackup token`"}
	}
	return &dbbackup.HintError{Err: errors.New("the Google token endpoint refused: " + re.ErrorCode),
		Hint: "run `dbbackup token` to authorize again"}
}

// Client returns an HTTP client that authorizes every request with s.
// Unlike oauth2.NewClient it adds no cache of its own, so Invalidate takes
// effect at once. base may be nil for http.DefaultTransport.
func (s *Source) Client(base http.RoundTripper) *http.Client {
	return &http.Client{Transport: &oauth2.Transport{Source: s, Base: base}}
}
