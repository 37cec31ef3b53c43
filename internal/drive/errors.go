package drive

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/retry"
	"google.golang.org/api/googleapi"
)

// unresolvedTries is how often a call is tried when Google's host name
// does not resolve: a resolver that is slow to come up gets one more
// chance, a machine without DNS or network fails within seconds.
const unresolvedTries = 3

// explain turns an error of the Drive client into one that says what to
// do, marking the ones worth retrying temporary.
func (d *Dest) explain(what string, err error) error {
	wrapped := fmt.Errorf("%s: %w", what, withoutAddresses(err))
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound { // Drive's host, or the token endpoint's
		return &retry.TemporaryError{Tries: unresolvedTries, Err: &dbbackup.HintError{Err: wrapped,
			Hint: "this machine cannot reach Google's servers (" + dns.Name + " does not resolve): check its DNS and network, " +
				"and set HTTPS_PROXY if it must go through a proxy; GOOGLE_API_ENDPOINT, when set, must name a host that exists"}}
	}
	var hint *dbbackup.HintError
	if errors.As(err, &hint) { // the token source explained it: a refused refresh token
		return wrapped
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		if isNetwork(err) {
			return retry.Temporary(wrapped, 0)
		}
		return wrapped
	}
	reason := ""
	if len(ge.Errors) > 0 {
		reason = ge.Errors[0].Reason
	}
	switch {
	case ge.Code == http.StatusTooManyRequests || ge.Code >= 500 || ge.Code == http.StatusRequestTimeout ||
		(ge.Code == http.StatusForbidden && (reason == "rateLimitExceeded" || reason == "userRateLimitExceeded")):
		return retry.Temporary(wrapped, retryAfter(ge.Header))
	case reason == "storageQuotaExceeded":
		return &dbbackup.HintError{Err: fmt.Errorf("%s: the Google Drive storage quota is exceeded", what),
			Hint: "free space in Google Drive and empty its trash. If GOOGLE_TOKEN_FILE holds a service account's key: a service account has no storage quota of its own; authorize a real user with `dbbackup token` (OAuth client of type \"Desktop app\")"}
	case ge.Code == http.StatusNotFound:
		return &dbbackup.ConfigError{Var: "DRIVE_BACKUP_FOLDER_ID",
			Problem: fmt.Sprintf("%s: Google Drive has no file or folder %s that the authorized account can see", what, d.folder),
			Hint:    "check the id (the last part of the folder's address in Drive) and that the folder belongs to, or is shared with, the account in GOOGLE_TOKEN_FILE; with GOOGLE_SCOPES=…/drive.file only folders made by dbbackup are visible: create one with `dbbackup drive mkdir Backups`"}
	case ge.Code == http.StatusUnauthorized && d.unauthorized != nil:
		// The access token was refused before its time: get a new one
		// and try again. A refresh token that no longer works fails then.
		d.unauthorized()
		return retry.Temporary(wrapped, 0)
	case ge.Code == http.StatusUnauthorized:
		return &dbbackup.HintError{Err: wrapped, Hint: "the Google token is not accepted: run `dbbackup token` to authorize again"}
	case ge.Code == http.StatusForbidden:
		return &dbbackup.HintError{Err: wrapped, Hint: "the authorized account may not do this in DRIVE_BACKUP_FOLDER_ID: use a folder it owns, or check GOOGLE_SCOPES"}
	}
	return wrapped
}

// withoutAddresses keeps only the scheme and host of the request addresses
// in err's message: the Go client quotes each whole address, query
// included (file ids, an upload's session id), which makes a log line
// several hundred characters long and says nothing more. errors.As still
// finds everything err holds.
func withoutAddresses(err error) error {
	msg, changed := err.Error(), false
	for e := err; ; {
		var ue *url.Error
		if !errors.As(e, &ue) {
			break
		}
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" && (u.Path != "" || u.RawQuery != "") {
			msg = strings.ReplaceAll(msg, strconv.Quote(ue.URL), strconv.Quote(u.Scheme+"://"+u.Host+"/…"))
			changed = true
		}
		e = ue.Err
	}
	if !changed {
		return err
	}
	return &shortened{msg: msg, err: err}
}

type shortened struct {
	msg string
	err error
}

func (e *shortened) Error() string { return e.msg }
func (e *shortened) Unwrap() error { return e.err }

func isNotFound(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusNotFound
}

// isNetwork reports a cut or refused connection, or a timeout.
func isNetwork(err error) bool {
	var ue *url.Error // a net.Error itself, whatever it wraps: look inside
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError // not net.Error: every syscall.Errno, ENOSPC too, is one
	return errors.As(err, &oe) || errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

func retryAfter(h http.Header) time.Duration {
	if h == nil {
		return 0
	}
	if s, err := strconv.Atoi(h.Get("Retry-After")); err == nil {
		return time.Duration(s) * time.Second
	}
	return 0
}
