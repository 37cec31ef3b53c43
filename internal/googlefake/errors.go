package googlefake

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Failure is one error answer in Google's JSON shape:
//
//	{"error":{"code":403,"message":"…","errors":[{"domain":"usageLimits","reason":"…","message":"…"}],"status":"PERMISSION_DENIED"}}
//
// It is both what the fake answers on its own (not found, quota, bad q) and
// what a test scripts with FailNext.
type Failure struct {
	Code    int    // HTTP status
	Reason  string // errors[0].reason; empty leaves errors[] out, as Sheets does
	Domain  string // errors[0].domain; "global" when empty
	Message string
	// Location and LocationType name the offending parameter or header
	// ("q", "parameter"), as Drive does for validation errors.
	Location     string
	LocationType string
	// RetryAfter, when positive, is sent as a Retry-After header in seconds.
	RetryAfter time.Duration
	// InfoReason, when set, adds the google.rpc.ErrorInfo detail newer APIs
	// send (Sheets always, without errors[]): "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
	// "RATE_LIMIT_EXCEEDED", with domain googleapis.com.
	InfoReason string
	// InfoMetadata is the ErrorInfo's metadata (service, method, quota_limit…).
	InfoMetadata map[string]string
	// Details are further google.rpc details after the ErrorInfo, each in
	// its JSON form with an "@type" (Help, BadRequest).
	Details []any
}

// ServiceUnavailable is Drive's transient 503.
func ServiceUnavailable() Failure {
	return Failure{Code: 503, Reason: "backendError", Message: "Service Unavailable"}
}

// InternalError is Drive's 500.
func InternalError() Failure {
	return Failure{Code: 500, Reason: "internalError", Message: "Internal Error"}
}

// RateLimitExceeded is the 429 Drive sends when the project goes too fast;
// retryAfter > 0 adds a Retry-After header.
func RateLimitExceeded(retryAfter time.Duration) Failure {
	return Failure{Code: 429, Reason: "rateLimitExceeded", Domain: "usageLimits",
		Message: "Rate Limit Exceeded", RetryAfter: retryAfter}
}

// UserRateLimitExceeded is the 403 for a user over their request rate (also
// what the 750 GB daily upload cap looks like).
func UserRateLimitExceeded() Failure {
	return Failure{Code: 403, Reason: "userRateLimitExceeded", Domain: "usageLimits",
		Message: "User Rate Limit Exceeded"}
}

// StorageQuotaExceeded is the permanent 403 for a full Drive, and the one a
// service account always gets because it has no storage of its own.
func StorageQuotaExceeded() Failure {
	return Failure{Code: 403, Reason: "storageQuotaExceeded", Domain: "usageLimits",
		Message: "The user's Drive storage quota has been exceeded."}
}

func fileNotFound(id string) Failure {
	return Failure{Code: 404, Reason: "notFound", Message: "File not found: " + id + ".",
		Location: "fileId", LocationType: "parameter"}
}

func insufficientFilePermissions() Failure {
	return Failure{Code: 403, Reason: "insufficientFilePermissions",
		Message: "The user does not have sufficient permissions for this file."}
}

func invalidParam(name, message string) Failure {
	return Failure{Code: 400, Reason: "invalid", Message: message, Location: name, LocationType: "parameter"}
}

func badRequest(format string, args ...any) Failure {
	return Failure{Code: 400, Reason: "badRequest", Message: fmt.Sprintf(format, args...)}
}

// statusName is the google.rpc.Code name Google puts next to the HTTP status.
func statusName(code int) string {
	switch code {
	case 400:
		return "INVALID_ARGUMENT"
	case 401:
		return "UNAUTHENTICATED"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 409:
		return "ABORTED"
	case 412:
		return "FAILED_PRECONDITION"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 501:
		return "UNIMPLEMENTED"
	case 503:
		return "UNAVAILABLE"
	case 504:
		return "DEADLINE_EXCEEDED"
	}
	if code >= 500 {
		return "INTERNAL"
	}
	return "UNKNOWN"
}

type errorItem struct {
	Message      string `json:"message"`
	Domain       string `json:"domain"`
	Reason       string `json:"reason"`
	Location     string `json:"location,omitempty"`
	LocationType string `json:"locationType,omitempty"`
}

type errorBody struct {
	Code    int         `json:"code"`
	Message string      `json:"message"`
	Errors  []errorItem `json:"errors,omitempty"`
	Status  string      `json:"status"`
	Details []any       `json:"details,omitempty"`
}

// errorInfo is a google.rpc.ErrorInfo in its JSON form (an Any).
type errorInfo struct {
	Type     string            `json:"@type"`
	Reason   string            `json:"reason"`
	Domain   string            `json:"domain"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, f Failure) {
	body := errorBody{Code: f.Code, Message: f.Message, Status: statusName(f.Code)}
	if f.Reason != "" {
		domain := f.Domain
		if domain == "" {
			domain = "global"
		}
		body.Errors = []errorItem{{Message: f.Message, Domain: domain, Reason: f.Reason,
			Location: f.Location, LocationType: f.LocationType}}
	}
	if f.InfoReason != "" {
		body.Details = []any{errorInfo{Type: "type.googleapis.com/google.rpc.ErrorInfo", Reason: f.InfoReason,
			Domain: "googleapis.com", Metadata: f.InfoMetadata}}
	}
	body.Details = append(body.Details, f.Details...)
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
	}
	if f.Code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
	}
	writeJSON(w, r, f.Code, map[string]errorBody{"error": body})
}
