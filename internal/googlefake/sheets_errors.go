package googlefake

import (
	"fmt"
	"net/http"
	"strings"
)

// Sheets answers in the newer error shape, {"error":{"code","message",
// "status"[,"details"]}}, without the errors[] array Drive sends: that is
// what the raw bodies users quote from 2018 on show (gspread, n8n,
// home-assistant). Older captures through the Java and Ruby clients also
// carry errors[] (reason notFound, forbidden, insufficientPermissions); a
// client that reads the status or the ErrorInfo detail copes with both.

// sheetsConsumer is the project number Google names in quota messages.
const sheetsConsumer = "1234567890"

// SheetsRateLimited is the 429 a user gets past 60 write requests a minute,
// with the body Google sends: the quota named in the message and an
// ErrorInfo RATE_LIMIT_EXCEEDED detail. There is no Retry-After header.
func SheetsRateLimited() Failure {
	return sheetsQuotaFailure("Write")
}

// SheetsReadRateLimited is the same 429 for read requests.
func SheetsReadRateLimited() Failure {
	return sheetsQuotaFailure("Read")
}

func sheetsQuotaFailure(what string) Failure {
	return Failure{Code: 429,
		Message: fmt.Sprintf("Quota exceeded for quota metric '%s requests' and limit '%s requests per minute per user' "+
			"of service 'sheets.googleapis.com' for consumer 'project_number:%s'.", what, what, sheetsConsumer),
		InfoReason: "RATE_LIMIT_EXCEEDED",
		InfoMetadata: map[string]string{
			"service":           "sheets.googleapis.com",
			"consumer":          "projects/" + sheetsConsumer,
			"quota_metric":      "sheets.googleapis.com/" + strings.ToLower(what) + "_requests",
			"quota_limit":       what + "RequestsPerMinutePerUser",
			"quota_limit_value": "60",
			"quota_location":    "global",
			"quota_unit":        "1/min/{project}/{user}",
		},
		Details: []any{map[string]any{"@type": "type.googleapis.com/google.rpc.Help",
			"links": []any{map[string]any{"description": "Request a higher quota limit.",
				"url": "https://cloud.google.com/docs/quotas/help/request_increase"}}}},
	}
}

// SheetsServiceDisabled is the 403 every Sheets call gets while the
// Google Sheets API is not enabled in the Cloud project of the OAuth
// client: the body Google sends, status PERMISSION_DENIED, an ErrorInfo
// SERVICE_DISABLED whose metadata names the project (consumer,
// containerInfo) and the console page that enables it (activationUrl),
// and a Help link to the same page. Older captures also carry errors[]
// with reason accessNotConfigured; Sheets' newer shape leaves it out.
func SheetsServiceDisabled() Failure {
	activate := "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=" + sheetsConsumer
	msg := "Google Sheets API has not been used in project " + sheetsConsumer + " before or it is disabled. Enable it by visiting " +
		activate + " then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry."
	return Failure{Code: 403, Message: msg, InfoReason: "SERVICE_DISABLED",
		InfoMetadata: map[string]string{
			"service":       "sheets.googleapis.com",
			"serviceTitle":  "Google Sheets API",
			"consumer":      "projects/" + sheetsConsumer,
			"containerInfo": sheetsConsumer,
			"activationUrl": activate,
		},
		Details: []any{
			map[string]any{"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": msg},
			map[string]any{"@type": "type.googleapis.com/google.rpc.Help",
				"links": []any{map[string]any{"description": "Google developers console API activation", "url": activate}}},
		},
	}
}

// SheetsUnavailable is Sheets' transient 503.
func SheetsUnavailable() Failure {
	return Failure{Code: 503, Message: "The service is currently unavailable."}
}

// SheetsInternalError is Sheets' 500.
func SheetsInternalError() Failure {
	return Failure{Code: 500, Message: "Internal error encountered."}
}

func sheetsNotFound() Failure {
	return Failure{Code: 404, Message: "Requested entity was not found."}
}

func sheetsForbidden() Failure {
	return Failure{Code: 403, Message: "The caller does not have permission"}
}

func sheetsInvalid(format string, args ...any) Failure {
	return Failure{Code: 400, Message: fmt.Sprintf(format, args...)}
}

// sheetsUnimplemented answers a real Sheets feature the fake does not
// have, so that a test relying on it fails loudly instead of passing on a
// guess.
func sheetsUnimplemented(format string, args ...any) Failure {
	return Failure{Code: 501, Message: "googlefake: " + fmt.Sprintf(format, args...) + " is not implemented"}
}

// sheetsMethods are the RPC names Google puts in a scope error's ErrorInfo.
var sheetsMethods = map[Kind]string{
	KindSheetsGet:    "GetSpreadsheet",
	KindSheetsCreate: "CreateSpreadsheet",
	KindSheetsBatch:  "BatchUpdateSpreadsheet",
	KindValuesGet:    "GetValues",
	KindValuesUpdate: "UpdateValues",
	KindValuesAppend: "AppendValues",
	KindValuesClear:  "ClearValues",
	KindValuesBatch:  "BatchUpdateValues",
}

// sheetsScopes are the scopes each Sheets method accepts, from the
// discovery document: reads also take the two read-only scopes.
var (
	sheetsWriteScopes = []string{ScopeDrive, ScopeDriveFile, ScopeSpreadsheets}
	sheetsReadScopes  = append([]string{ScopeDriveReadonly, ScopeSpreadsheetsReadonly}, sheetsWriteScopes...)
)

// checkSheetsScope answers Google's 403 for a token without a scope the
// method accepts: status PERMISSION_DENIED, an ErrorInfo with reason
// ACCESS_TOKEN_SCOPE_INSUFFICIENT naming the service and method, and a
// WWW-Authenticate header listing the scopes that would do.
func (s *Server) checkSheetsScope(w http.ResponseWriter, r *http.Request, kind Kind, g *grant) bool {
	scopes := sheetsReadScopes
	if kind.sheetsWrite() {
		scopes = sheetsWriteScopes
	}
	for _, sc := range scopes {
		if g.has(sc) {
			return true
		}
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="`+
		strings.Join(scopes, " ")+`"`)
	s.writeError(w, r, Failure{Code: 403, Message: "Request had insufficient authentication scopes.",
		InfoReason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
		InfoMetadata: map[string]string{"service": "sheets.googleapis.com",
			"method": "google.apps.sheets.v4.SpreadsheetsService." + sheetsMethods[kind]}})
	return false
}

// fieldsFailure is how Google's front end refuses a bad `fields`
// parameter: a generic message with the cause in a BadRequest detail.
func fieldsFailure(path string) Failure {
	return Failure{Code: 400, Message: "Request contains an invalid argument.",
		Details: []any{map[string]any{"@type": "type.googleapis.com/google.rpc.BadRequest",
			"fieldViolations": []any{map[string]any{"field": "fields",
				"description": "Error expanding 'fields' parameter. Cannot find matching fields for path '" + path + "'."}}}}}
}
