package googleauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/dbbackup/dbbackup"
	"golang.org/x/oauth2"
)

// Consent is one authorization in progress, from the consent URL to the
// code's exchange. The caller keeps it between the two (in memory, or a
// server-side session): State and Verifier are secrets, which only the
// answer's code together with them turns into a token.
type Consent struct {
	URL         string // Google's consent page, for the user's browser
	RedirectURL string // where Google sends the browser back, with the code
	State       string // the answer carries it back: one that does not is not this consent's
	Verifier    string // PKCE code verifier (S256)
}

// ErrOtherState is Exchange's answer to a redirect that carries another
// state: it belongs to another consent (an old page, another program or
// web page reaching the redirect address) and must be ignored.
var ErrOtherState = errors.New("the answer's state is not this authorization's: it answers another request")

// Begin makes the consent URL for an authorization whose answer Google
// sends to redirectURL, with a new random state and PKCE verifier. It asks
// for offline access with prompt=consent, so that a refresh token comes
// back even when the user has authorized the app before.
//
// redirectURL must be one Google accepts for the client, or the consent
// page would only show Google's error: for a "Web application" client one
// of its registered redirect URIs, exactly; for a "Desktop app" client an
// http address on a loopback host, any port.
func (c *Client) Begin(redirectURL string) (*Consent, error) {
	if err := c.checkRedirect(redirectURL); err != nil {
		return nil, err
	}
	cfg := c.Config
	cfg.RedirectURL = redirectURL
	p := &Consent{RedirectURL: redirectURL, State: randomString(), Verifier: oauth2.GenerateVerifier()}
	p.URL = cfg.AuthCodeURL(p.State, oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent"),
		oauth2.S256ChallengeOption(p.Verifier))
	return p, nil
}

func (c *Client) checkRedirect(redirectURL string) error {
	switch {
	case c.Web && !slices.Contains(c.RedirectURIs, redirectURL):
		return &dbbackup.ConfigError{Var: credentialsVar,
			Problem: fmt.Sprintf("%s is a \"Web application\" OAuth client, and %s is not among its authorized redirect URIs (%s)", c.Path, redirectURL, registered(c.RedirectURIs)),
			Hint:    registerHint(redirectURL)}
	case !c.Web && !isLoopbackURL(redirectURL):
		return &dbbackup.ConfigError{Var: credentialsVar,
			Problem: fmt.Sprintf("%s is a \"Desktop app\" OAuth client: Google sends its answer only to a loopback address (http://127.0.0.1:PORT/), not to %s", c.Path, redirectURL),
			Hint:    "use an OAuth client of type \"Web application\" and add " + redirectURL + " to its \"Authorized redirect URIs\""}
	}
	return nil
}

// registerHint says how to register uri with a Web application client.
func registerHint(uri string) string {
	return "in Google Cloud Console (APIs & Services → Credentials → this OAuth client) add " + uri +
		" to \"Authorized redirect URIs\", save, and download the client's JSON again into GOOGLE_CREDENTIALS_FILE (Google may take a few minutes to apply it)"
}

func registered(uris []string) string {
	if len(uris) == 0 {
		return "it has none"
	}
	return "it has " + strings.Join(uris, ", ")
}

// Matches reports whether answer, the query of the address Google sent the
// browser to, answers this consent: it carries its state.
func (p *Consent) Matches(answer url.Values) bool {
	return subtle.ConstantTimeCompare([]byte(answer.Get("state")), []byte(p.State)) == 1
}

// Exchange takes Google's answer to p (the query of the redirect) and
// exchanges its code for a token, proving with p's verifier that it is the
// one who asked. An answer with another state is ErrOtherState; one that
// says the user declined, or that brings no refresh token, is an error
// that says so. The token is ready for WriteToken.
func (c *Client) Exchange(ctx context.Context, p *Consent, answer url.Values) (*Token, error) {
	switch {
	case !p.Matches(answer):
		return nil, ErrOtherState
	case answer.Get("error") != "":
		return nil, fmt.Errorf("google answered %q: access was not granted", answer.Get("error"))
	case answer.Get("code") == "":
		return nil, errors.New("the redirect carries no authorization code")
	}
	cfg := c.Config
	cfg.RedirectURL = p.RedirectURL // the token endpoint checks it is the consent's
	tok, err := cfg.Exchange(ctx, answer.Get("code"), oauth2.VerifierOption(p.Verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange the authorization code: %w", Explain(err))
	}
	if tok.RefreshToken == "" {
		return nil, errors.New("no refresh token came back from Google; remove dbbackup's access at https://myaccount.google.com/permissions and authorize again")
	}
	return &Token{Type: "authorized_user", ClientID: c.Config.ClientID, ClientSecret: c.Config.ClientSecret,
		RefreshToken: tok.RefreshToken, TokenURI: c.Config.Endpoint.TokenURL, Scopes: c.Config.Scopes,
		AccessToken: tok.AccessToken, Expiry: tok.Expiry.UTC()}, nil
}

// isLoopbackURL reports whether raw is an http address on a loopback host:
// what Google lets a "Desktop app" client redirect to.
func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" {
		return false
	}
	return isLoopbackHost(u.Hostname())
}

func isLoopbackHost(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

func randomString() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
