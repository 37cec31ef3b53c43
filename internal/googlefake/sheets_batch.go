package googlefake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"

	sheets "google.golang.org/api/sheets/v4"
)

// sheetsRequest applies one batchUpdate request to a clone of the
// spreadsheet and returns its reply (nil: an empty reply, {}).
type sheetsRequest func(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure)

// sheetsRequests are the requests the fake carries out. Any other request
// Sheets knows is answered 501, so a test that needs it fails loudly.
var sheetsRequests = map[string]sheetsRequest{
	"addSheet":                    reqAddSheet,
	"deleteSheet":                 reqDeleteSheet,
	"updateSheetProperties":       reqUpdateSheetProperties,
	"updateSpreadsheetProperties": reqUpdateSpreadsheetProperties,
	"appendDimension":             reqAppendDimension,
	"insertDimension":             reqInsertDimension,
	"deleteDimension":             reqDeleteDimension,
	"updateDimensionProperties":   reqDimensionNoop,
	"autoResizeDimensions":        reqDimensionNoop,
	"repeatCell":                  reqRepeatCell,
	"updateCells":                 reqUpdateCells,
	"createDeveloperMetadata":     reqCreateMetadata,
	"updateDeveloperMetadata":     reqUpdateMetadata,
	"deleteDeveloperMetadata":     reqDeleteMetadata,
}

// knownRequests are the JSON names of every request Sheets v4 has.
var knownRequests = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeFor[sheets.Request]()
	for i := range t.NumField() {
		if name := jsonName(t.Field(i)); name != "" {
			m[name] = true
		}
	}
	return m
}()

// handleSheetsBatch is spreadsheets.batchUpdate. The requests are applied
// in order to a copy of the spreadsheet, which replaces it only when all of
// them succeeded: "If any request is not valid, no requests will be
// applied." A failure names the request: "Invalid requests[1].deleteSheet:
// No grid with id: 7".
func (s *Server) handleSheetsBatch(w http.ResponseWriter, r *http.Request, rt sheetsRoute) {
	var body struct {
		Requests                     []json.RawMessage `json:"requests"`
		IncludeSpreadsheetInResponse bool              `json:"includeSpreadsheetInResponse"`
		ResponseRanges               []string          `json:"responseRanges"`
		ResponseIncludeGridData      bool              `json:"responseIncludeGridData"`
	}
	fail := readJSONBody(r, &body, "")
	if fail == nil && len(body.Requests) == 0 {
		f := sheetsInvalid("Must specify at least one request.")
		fail = &f
	}
	if fail == nil && body.ResponseIncludeGridData && body.IncludeSpreadsheetInResponse {
		f := sheetsUnimplemented("responseIncludeGridData")
		fail = &f
	}
	names := make([]string, len(body.Requests))
	raws := make([]json.RawMessage, len(body.Requests))
	for i := 0; fail == nil && i < len(body.Requests); i++ {
		names[i], raws[i], fail = splitRequest(body.Requests[i], i)
	}
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}

	s.withBook(w, r, rt, func(b *spreadsheet) (map[string]any, *Failure) {
		c := b.clone()
		replies := make([]any, len(raws))
		for i, raw := range raws {
			reply, fail := sheetsRequests[names[i]](c, raw)
			if fail != nil {
				return nil, prefixed(fail, fmt.Sprintf("Invalid requests[%d].%s: ", i, names[i]))
			}
			if reply == nil {
				reply = map[string]any{}
			}
			replies[i] = reply
		}
		c.batches = append(c.batches, slices.Clone(names))
		s.sheets.books[c.id] = c
		resp := map[string]any{"spreadsheetId": c.id, "replies": replies}
		if body.IncludeSpreadsheetInResponse {
			resp["updatedSpreadsheet"] = c.spreadsheetJSON(nil)
		}
		return resp, nil
	})
}

// splitRequest checks one Request: a member Sheets does not know is
// refused as the front end does, one the fake does not carry out is 501,
// and exactly one member must be set (Request is a oneof).
func splitRequest(raw json.RawMessage, i int) (string, json.RawMessage, *Failure) {
	at := fmt.Sprintf("requests[%d]", i)
	if f := decodeStrict(raw, new(sheets.Request), at); f != nil {
		return "", nil, f
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		f := sheetsInvalid("Invalid value at '%s' (type.googleapis.com/google.apps.sheets.v4.Request), %s", at, raw)
		return "", nil, &f
	}
	if len(m) != 1 {
		f := sheetsInvalid("Invalid JSON payload received. %s must set exactly one kind of request, not %d.", at, len(m))
		return "", nil, &f
	}
	for name, body := range m {
		if _, ok := sheetsRequests[name]; !ok && knownRequests[name] {
			f := sheetsUnimplemented("batchUpdate request %s", name)
			return "", nil, &f
		}
		return name, body, nil
	}
	panic("unreachable")
}

// decodeRequest reads a request's body leniently: splitRequest has already
// refused unknown members, and the fake's structs leave out the ones it
// does not use.
func decodeRequest(raw json.RawMessage, v any) *Failure {
	if err := json.Unmarshal(raw, v); err != nil {
		f := sheetsInvalid("Invalid JSON payload received. %v", err)
		return &f
	}
	return nil
}
