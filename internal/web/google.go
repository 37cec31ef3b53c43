package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/dbbackup/dbbackup/internal/googleauth"
)

// googleRoutes registers the Google page: the OAuth client and the
// connected account, connecting from the browser (consent with PKCE and
// state, kept here until Google answers) and disconnecting (revoke, then
// delete the token file). The Google settings are the installation's
// (.env): every job that stores in Drive uses this account.
func (s *Server) googleRoutes(mux *http.ServeMux) {
	g := &googlePages{s: s, consents: &consents{now: s.now}}
	mux.Handle("GET /google", s.viewer(g.page))
	mux.Handle("POST /google/connect", s.admin(g.connect))
	// Google sends the browser back here with a GET: the answer's state
	// and the PKCE verifier kept server-side are what make it safe.
	mux.Handle("GET /google/callback", s.admin(g.callback))
	mux.Handle("POST /google/paste", s.admin(g.paste))
	mux.Handle("POST /google/disconnect", s.admin(g.disconnect))
}

type googlePages struct {
	s        *Server
	consents *consents
}

// pasteRedirect is where a "Desktop app" client's consent sends the
// browser when this page is not on a loopback address: nothing needs to
// listen there. The browser fails to load it, and the person pastes the
// address from its address bar into this page. Whoever does listen there
// gets a code that is useless without the PKCE verifier kept here.
const pasteRedirect = "http://127.0.0.1:8976/"

// googleView is the Google page.
type googleView struct {
	Admin         bool
	Problem, Hint string // the installation's settings cannot be read
	Done          string

	CredentialsFile, Client   string
	ClientProblem, ClientHint string
	// CredentialsPath and TokenPath are the files as the server finds
	// them: absolute, from its working folder. ClientMissing: there is
	// no OAuth client file yet.
	CredentialsPath, TokenPath string
	ClientMissing              bool
	// DriveJobs are the jobs that store in Google Drive: without one,
	// nothing here is needed (Drive is optional).
	DriveJobs []string

	TokenFile, Account, Storage string
	Connected                   bool
	Scopes                      []string
	TokenProblem, TokenHint     string

	// Paste is the consent address of a connection waiting for the
	// address the browser was sent to; "" when none waits.
	Paste string
}

func (g *googlePages) page(w http.ResponseWriter, r *http.Request) {
	g.render(w, r, http.StatusOK, googleView{Done: r.URL.Query().Get("done")})
}

// render fills in what the page shows of the installation's Google
// settings, the client and the account around v's own fields.
func (g *googlePages) render(w http.ResponseWriter, r *http.Request, status int, v googleView) {
	v.Admin = userOf(r).Role == RoleAdmin
	cfg, err := g.s.o.App.Load()
	if err != nil {
		v.Problem, v.Hint = problemOf(err)
		g.s.renderStatus(w, r, status, "google", "Google", v)
		return
	}
	gc := cfg.Google
	v.CredentialsFile, v.TokenFile = gc.CredentialsFile, gc.TokenFile
	v.CredentialsPath, v.TokenPath = absolute(gc.CredentialsFile), absolute(gc.TokenFile)
	v.DriveJobs = g.driveJobs(r.Context())
	if c, err := googleauth.LoadClient(gc.CredentialsFile, gc.Scopes); errors.Is(statFile(gc.CredentialsFile), fs.ErrNotExist) {
		v.ClientMissing = true
	} else if err != nil {
		v.ClientProblem, v.ClientHint = problemOf(err)
	} else {
		v.Client = c.Kind()
	}
	if p, ok := g.consents.pasting(userOf(r).Name); ok {
		v.Paste = p.consent.URL
	}
	tok, err := googleauth.ReadToken(gc.TokenFile)
	switch {
	case errors.Is(statFile(gc.TokenFile), fs.ErrNotExist):
	case err != nil:
		v.TokenProblem, v.TokenHint = problemOf(err)
	default:
		v.Connected, v.Scopes = true, tok.Scopes
		if len(v.Scopes) == 0 {
			v.Scopes = gc.Scopes
		}
		ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
		defer cancel()
		if err := g.account(ctx, cfg, &v); err != nil {
			v.TokenProblem, v.TokenHint = problemOf(err)
		}
	}
	g.s.renderStatus(w, r, status, "google", "Google", v)
}

// account asks Google who the token authorizes, refreshing it.
func (g *googlePages) account(ctx context.Context, cfg *config.Config, v *googleView) error {
	d, _, err := g.s.o.App.Drive(ctx, cfg, g.s.log)
	if err != nil {
		return err
	}
	q, err := d.Account(ctx)
	if err != nil {
		return err
	}
	v.Account = q.User
	v.Storage = dbbackup.HumanSize(q.Usage) + " used"
	if q.Limit > 0 {
		v.Storage += " of " + dbbackup.HumanSize(q.Limit)
	}
	return nil
}

// driveJobs are the jobs whose settings store in Google Drive.
func (g *googlePages) driveJobs(ctx context.Context) []string {
	names, _ := g.s.o.App.JobNames(ctx)
	var drive []string
	for _, name := range names {
		if cfg, err := g.s.o.App.LoadJob(ctx, name, nil); err == nil && cfg.DriveEnabled() {
			drive = append(drive, name)
		}
	}
	return drive
}

// absolute is path as the server opens it: from its working folder when
// relative (what a person putting a file there needs to know).
func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

func statFile(path string) error {
	_, err := os.Stat(path)
	return err
}

// connect begins a consent: to this server's /google/callback when Google
// may send the browser there (a "Web application" client with it
// registered, or a "Desktop app" client on a loopback address), else the
// paste-the-address flow.
func (g *googlePages) connect(w http.ResponseWriter, r *http.Request) {
	cfg, err := g.s.o.App.Load()
	if err != nil {
		g.failed(w, r, http.StatusBadRequest, err)
		return
	}
	client, err := googleauth.LoadClient(cfg.Google.CredentialsFile, cfg.Google.Scopes)
	if err != nil {
		g.failed(w, r, http.StatusBadRequest, err)
		return
	}
	consent, err := client.Begin(g.callbackURL(r))
	if err != nil && !client.Web {
		consent, err = client.Begin(pasteRedirect)
		if err == nil {
			g.consents.add(userOf(r).Name, client, consent, true)
			g.s.redirect(w, r, "/google")
			return
		}
	}
	if err != nil {
		g.failed(w, r, http.StatusBadRequest, err)
		return
	}
	g.consents.add(userOf(r).Name, client, consent, false)
	http.Redirect(w, r, consent.URL, http.StatusSeeOther)
}

// callbackURL is this server's /google/callback as the browser reaches
// it: under SERVE_BASE_URL when set, else the address the request came to.
func (g *googlePages) callbackURL(r *http.Request) string {
	origin := g.s.origin
	if origin == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		origin = scheme + "://" + r.Host
	}
	return origin + g.s.url("/google/callback")
}

// callback takes Google's answer as the browser brings it back.
func (g *googlePages) callback(w http.ResponseWriter, r *http.Request) {
	g.answer(w, r, r.URL.Query())
}

// paste takes the address the browser was sent to, pasted by the person.
func (g *googlePages) paste(w http.ResponseWriter, r *http.Request) {
	u, err := url.Parse(strip(r.PostFormValue("address")))
	if err != nil || (u.Query().Get("code") == "" && u.Query().Get("error") == "") {
		g.failed(w, r, http.StatusBadRequest, &dbbackup.ConfigError{Var: "address", Problem: "is not the address Google sent the browser to",
			Hint: "copy the whole address from the browser's address bar after allowing access: it starts with " + pasteRedirect + " and has code= in it"})
		return
	}
	g.answer(w, r, u.Query())
}

// answer exchanges Google's answer to a consent this user began for a
// token, and stores it (0600, atomically) where GOOGLE_TOKEN_FILE says.
func (g *googlePages) answer(w http.ResponseWriter, r *http.Request, answer url.Values) {
	p, ok := g.consents.take(userOf(r).Name, answer)
	if !ok {
		g.failed(w, r, http.StatusBadRequest, dbbackup.WithHint(errors.New("this answer from Google is not to a connection begun here, or it came after 10 minutes"),
			"press Connect again and allow access"))
		return
	}
	cfg, err := g.s.o.App.Load()
	var tok *googleauth.Token
	if err == nil {
		ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
		tok, err = p.client.Exchange(ctx, p.consent, answer)
		cancel()
	}
	if err == nil {
		err = googleauth.WriteToken(cfg.Google.TokenFile, tok)
	}
	if err != nil {
		g.failed(w, r, http.StatusBadGateway, err)
		return
	}
	g.s.audit(r, "google.connect", fmt.Sprintf("token saved to %s, scopes %s", cfg.Google.TokenFile, strings.Join(tok.Scopes, " ")))
	g.s.redirect(w, r, "/google?done=connected")
}

// disconnect revokes the token at Google, so that no copy of it works any
// more, then deletes the token file. A token Google no longer knows is
// deleted too; one that could not be revoked (Google unreachable) is kept,
// so that disconnecting can be tried again.
func (g *googlePages) disconnect(w http.ResponseWriter, r *http.Request) {
	cfg, err := g.s.o.App.Load()
	if err != nil {
		g.failed(w, r, http.StatusBadRequest, err)
		return
	}
	path := cfg.Google.TokenFile
	tok, err := googleauth.ReadToken(path)
	if err != nil {
		g.failed(w, r, http.StatusBadRequest, err)
		return
	}
	note := "revoked at Google"
	err = googleauth.Revoke(r.Context(), tok)
	switch {
	case errors.Is(err, googleauth.ErrUnknownToken):
		note = "Google no longer knew it"
	case err != nil:
		g.failed(w, r, http.StatusBadGateway, dbbackup.WithHint(err, "nothing was deleted; try again when Google can be reached"))
		return
	}
	if err := removeToken(path); err != nil {
		g.failed(w, r, http.StatusInternalServerError, err)
		return
	}
	g.s.audit(r, "google.disconnect", fmt.Sprintf("%s deleted (%s)", path, note))
	g.s.redirect(w, r, "/google?done=disconnected")
}

// removeToken deletes the token file; for a symbolic link, the file at
// its end and the link, which would otherwise lead nowhere.
func removeToken(path string) error {
	if target, err := filepath.EvalSymlinks(path); err == nil && target != path {
		if err := os.Remove(target); err != nil {
			return err
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// failed shows the Google page with what went wrong: status 400 for
// what the person or the settings can fix, 502 when Google or the token
// file failed.
func (g *googlePages) failed(w http.ResponseWriter, r *http.Request, status int, err error) {
	v := googleView{}
	v.Problem, v.Hint = problemOf(err)
	g.render(w, r, status, v)
}
