package google

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
	"github.com/googleapis/gax-go/v2/apierror"
	"google.golang.org/api/googleapi"
)

// Class is what a failed call to a Google API means for its caller.
type Class int

const (
	// Other is a failure nothing more is known of: permanent.
	Other Class = iota
	// Temporary goes away if the call is repeated later: a rate limit
	// (429, or 403 rateLimitExceeded/userRateLimitExceeded), a 5xx, 408,
	// a cut or refused connection.
	Temporary
	// Unresolved: the API's or the token endpoint's host name does not
	// resolve. Worth a few tries (a resolver coming up), not many.
	Unresolved
	// Unauthorized: the API refused the access token (401).
	Unauthorized
	// Refused: the token endpoint refused the refresh token or the client
	// (invalid_grant, invalid_client); googleauth has said what to do.
	Refused
	// Scope: the token lacks the OAuth scope the call needs (403
	// insufficientPermissions, ACCESS_TOKEN_SCOPE_INSUFFICIENT).
	Scope
	// StorageQuota: the account's storage is full (403 storageQuotaExceeded),
	// or it is a service account, which has none.
	StorageQuota
	// NotFound: the resource (file, folder, spreadsheet) does not exist or
	// the account cannot see it (404).
	NotFound
	// Forbidden: the account may not do this to the resource (another 403).
	Forbidden
	// Invalid: the request itself is wrong (400): a bad range, a bad query.
	Invalid
	// ServiceDisabled: the API is not enabled in the Google Cloud project
	// of the OAuth client (403 SERVICE_DISABLED, accessNotConfigured in
	// the older shape); Disabled says which project and where to enable it.
	ServiceDisabled
)

// Reason is Google's reason for a failed call: errors[0].reason in the
// older shape (Drive: "storageQuotaExceeded"), else the reason of the
// ErrorInfo detail in the newer one (Sheets: "RATE_LIMIT_EXCEEDED"), else "".
func Reason(err error) string {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return ""
	}
	if len(ge.Errors) > 0 && ge.Errors[0].Reason != "" {
		return ge.Errors[0].Reason
	}
	var ae *apierror.APIError // the generated clients wrap one in every googleapi.Error
	if errors.As(err, &ae) {
		return ae.Reason()
	}
	return ""
}

// Classify says what err, returned by a Google API client or its token
// source, means.
func Classify(err error) Class {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return Unresolved
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		// A hint around no answer of the API is the token source's: a
		// refused refresh token. Around an answer (Explain's own hints),
		// the answer is what counts.
		if errors.As(err, new(*dbbackup.HintError)) {
			return Refused
		}
		if isNetwork(err) {
			return Temporary
		}
		return Other
	}
	reason := Reason(err)
	switch {
	case ge.Code == http.StatusTooManyRequests || ge.Code >= 500 || ge.Code == http.StatusRequestTimeout ||
		(ge.Code == http.StatusForbidden && (reason == "rateLimitExceeded" || reason == "userRateLimitExceeded" || reason == "RATE_LIMIT_EXCEEDED")):
		return Temporary
	case ge.Code == http.StatusUnauthorized:
		return Unauthorized
	case reason == "insufficientPermissions" || reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
		return Scope
	case reason == "SERVICE_DISABLED" || reason == "accessNotConfigured":
		return ServiceDisabled
	case reason == "storageQuotaExceeded":
		return StorageQuota
	case ge.Code == http.StatusNotFound:
		return NotFound
	case ge.Code == http.StatusForbidden:
		return Forbidden
	case ge.Code == http.StatusBadRequest:
		return Invalid
	}
	return Other
}

// unresolvedTries is how often a call is tried when Google's host name
// does not resolve: a resolver that is slow to come up gets one more
// chance, a machine without DNS or network fails within seconds.
const unresolvedTries = 3

// Explain returns err as a person should read it: prefixed with what was
// being done, the request addresses cut to their host (see
// withoutAddresses), marked temporary for internal/retry when Classify
// says so, and with a hint for the failures every API shares (no DNS, a
// refused access token, a missing scope, an API not enabled). On a 401, unauthorized (if not
// nil) is called to drop the access token, and the error is marked
// temporary so the retry gets a fresh one; a refresh token that no longer
// works fails then, with its own message.
//
// The failures that concern the API's own resource (StorageQuota,
// NotFound, Forbidden, Invalid, Other) come back without a hint: the
// caller knows the setting that names the resource and adds it.
func Explain(what string, err error, unauthorized func()) error {
	wrapped := fmt.Errorf("%s: %w", what, withoutAddresses(err))
	switch Classify(err) {
	case Unresolved:
		var dns *net.DNSError
		errors.As(err, &dns)
		return &retry.TemporaryError{Tries: unresolvedTries, Err: &dbbackup.HintError{Err: wrapped,
			Hint: "this machine cannot reach Google's servers (" + dns.Name + " does not resolve): check its DNS and network, " +
				"and set HTTPS_PROXY if it must go through a proxy; GOOGLE_API_ENDPOINT, when set, must name a host that exists"}}
	case Temporary:
		var ge *googleapi.Error
		if errors.As(err, &ge) {
			return retry.Temporary(wrapped, retryAfter(ge.Header))
		}
		return retry.Temporary(wrapped, 0)
	case Unauthorized:
		if unauthorized != nil {
			unauthorized()
			return retry.Temporary(wrapped, 0)
		}
		return &dbbackup.HintError{Err: wrapped, Hint: "the Google token is not accepted: run `dbbackup token` to authorize again"}
	case ServiceDisabled: // Google's text runs to a page of JSON
		return &dbbackup.HintError{Err: &shortened{msg: what + ": " + disabledText(err), err: err}, Hint: disabledHint(err)}
	case Scope:
		return &dbbackup.HintError{Err: wrapped,
			Hint: "the token in GOOGLE_TOKEN_FILE was not granted the scope this needs: check GOOGLE_SCOPES (" +
				"https://www.googleapis.com/auth/drive for Drive, …/auth/spreadsheets or …/auth/drive for Sheets) and run `dbbackup token` to authorize again"}
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
