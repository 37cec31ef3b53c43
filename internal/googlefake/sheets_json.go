package googlefake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	sheets "google.golang.org/api/sheets/v4"
)

// readJSONBody decodes a request body the way Google's front end does: a
// member the message does not have is refused ("Invalid JSON payload
// received. Unknown name "x": Cannot find field."), an empty body is an
// empty message. at names where v sits in the body, for that message.
func readJSONBody(r *http.Request, v any, at string) *Failure {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f := sheetsInvalid("Could not read the request body.")
		return &f
	}
	return decodeStrict(body, v, at)
}

func decodeStrict(body []byte, v any, at string) *Failure {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		where := ""
		if at != "" {
			where = " at '" + at + "'"
		}
		f := sheetsInvalid("Invalid JSON payload received. Unknown name %s%s: Cannot find field.", name, where)
		return &f
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		f := sheetsInvalid("Invalid JSON payload received. Unexpected token.")
		return &f
	}
	f := sheetsInvalid("Invalid JSON payload received. %v", err)
	return &f
}

// sheetsResponseTypes are the response messages of each kind, against
// which a `fields` selection is checked.
func sheetsResponseType(rt sheetsRoute) reflect.Type {
	switch rt.kind {
	case KindSheetsGet, KindSheetsCreate:
		return reflect.TypeFor[sheets.Spreadsheet]()
	case KindSheetsBatch:
		return reflect.TypeFor[sheets.BatchUpdateSpreadsheetResponse]()
	case KindValuesGet:
		if rt.batch {
			return reflect.TypeFor[sheets.BatchGetValuesResponse]()
		}
		return reflect.TypeFor[sheets.ValueRange]()
	case KindValuesUpdate:
		return reflect.TypeFor[sheets.UpdateValuesResponse]()
	case KindValuesAppend:
		return reflect.TypeFor[sheets.AppendValuesResponse]()
	case KindValuesClear:
		if rt.batch {
			return reflect.TypeFor[sheets.BatchClearValuesResponse]()
		}
		return reflect.TypeFor[sheets.ClearValuesResponse]()
	case KindValuesBatch:
		return reflect.TypeFor[sheets.BatchUpdateValuesResponse]()
	}
	return nil
}

// sheetsFields parses a `fields` selection against the response type. The
// front end takes both partial-response paths (sheets/properties) and
// field-mask ones (sheets.properties); a bad path is refused before the
// request does anything.
func sheetsFields(rt sheetsRoute, raw string) (fieldSet, *Failure) {
	if raw == "" {
		return nil, nil
	}
	fs, err := parseFields(strings.ReplaceAll(raw, ".", "/"))
	if err == nil {
		err = checkFields(fs, sheetsResponseType(rt))
	}
	if err != nil {
		f := fieldsFailure(err.Error())
		return nil, &f
	}
	return fs, nil
}

// writeSheetsJSON answers v, narrowed to the request's `fields` (already
// checked by handleSheets).
func (s *Server) writeSheetsJSON(w http.ResponseWriter, r *http.Request, v map[string]any) {
	rt, _ := parseSheetsRoute(r)
	fs, _ := sheetsFields(rt, r.URL.Query().Get("fields"))
	writeJSON(w, r, http.StatusOK, fs.apply(v))
}
