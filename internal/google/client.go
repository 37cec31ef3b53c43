package google

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/dbbackup/dbbackup/internal/googleauth"
	"golang.org/x/oauth2"
)

// Client is the Google account of the token file, ready for any Google
// API: give HTTP to the API's official client, and Invalidate to Explain
// so that a 401 gets a fresh access token on the next try.
type Client struct {
	http   *http.Client
	source *googleauth.Source
}

// New reads the token file at tokenFile (GOOGLE_TOKEN_FILE) and returns
// the client that authorizes requests with it for scopes (GOOGLE_SCOPES),
// refreshing the access token when it expires and saving it back. It makes
// no call yet. A token file other users may read is logged as a warning.
//
// Only the context's values are kept (for the token endpoint's HTTP client
// in tests): the client outlives ctx's cancellation, each call bringing
// its own context.
func New(ctx context.Context, tokenFile string, scopes []string, log *slog.Logger) (*Client, error) {
	tok, err := googleauth.ReadToken(tokenFile)
	if err != nil {
		return nil, err
	}
	if w := googleauth.Exposed(tokenFile); w != "" {
		log.Warn(w)
	}
	ctx = context.WithoutCancel(ctx)
	if ctx.Value(oauth2.HTTPClient) == nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: transport(), Timeout: 2 * time.Minute})
	}
	ts := googleauth.TokenSource(ctx, tok.Config(scopes), tok, tokenFile, log)
	// No overall timeout on API calls: a chunk of an upload may take long
	// on a slow line; the transport bounds each step instead.
	return &Client{http: ts.Client(transport()), source: ts}, nil
}

// HTTP is the authorized client, for option.WithHTTPClient.
func (c *Client) HTTP() *http.Client { return c.http }

// Invalidate drops the access token, so that the next request refreshes
// it: for when an API answers 401 before the token's expiry.
func (c *Client) Invalidate() { c.source.Invalidate() }

// Refresh gets a new access token now, whatever the one in hand: a check
// that the refresh token, the OAuth client and the token endpoint work.
func (c *Client) Refresh() error {
	c.source.Invalidate()
	_, err := c.source.Token()
	return err
}

// transport bounds connecting and waiting for an answer, never the
// transfer of a body.
func transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 30 * time.Second
	t.ResponseHeaderTimeout = 5 * time.Minute
	return t
}
