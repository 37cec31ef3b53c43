package googlefake

import (
	"net/http"
	"net/url"
)

// valueRangeIn is a ValueRange in a request body.
type valueRangeIn struct {
	Range          *string `json:"range"`
	MajorDimension string  `json:"majorDimension"`
	Values         [][]any `json:"values"`
}

// grid checks and converts the values; at is the body's place in enum
// failures ("data[0]." in a batch), prefix goes before value failures
// ("Invalid data[0]: ").
func (vr *valueRangeIn) grid(userEntered bool, at, prefix string) ([][]any, *Failure) {
	switch vr.MajorDimension {
	case "", "ROWS", "DIMENSION_UNSPECIFIED", "COLUMNS":
	default:
		f := sheetsInvalid("Invalid value at '%smajor_dimension' (type.googleapis.com/google.apps.sheets.v4.Dimension), %q", at, vr.MajorDimension)
		return nil, &f
	}
	grid, f := inputGrid(vr.Values, vr.MajorDimension == "COLUMNS", userEntered)
	return grid, prefixed(f, prefix)
}

// valueInputOption reads the mandatory valueInputOption of a write;
// USER_ENTERED is reported as true.
func valueInputOption(v string, at string) (bool, *Failure) {
	switch v {
	case "RAW":
		return false, nil
	case "USER_ENTERED":
		return true, nil
	case "", "INPUT_VALUE_OPTION_UNSPECIFIED":
		f := sheetsInvalid("'valueInputOption' is required but not specified")
		return false, &f
	}
	f := sheetsInvalid("Invalid value at '%svalue_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), %q", at, v)
	return false, &f
}

func renderOption(q url.Values, name, proto string) (string, *Failure) {
	v, f := validEnum(q, name, proto, "ValueRenderOption", renderFormatted, renderUnformatted, renderFormula)
	if v == "" {
		v = renderFormatted
	}
	if f == nil {
		_, f = validEnum(q, "dateTimeRenderOption", "date_time_render_option", "DateTimeRenderOption", "SERIAL_NUMBER", "FORMATTED_STRING")
	}
	return v, f
}

// valueRangeJSON is a ValueRange as values.get returns it; values is left
// out when every cell is empty.
func valueRangeJSON(a a1, option string, columns bool) map[string]any {
	m := map[string]any{"range": a.String(), "majorDimension": "ROWS"}
	if columns {
		m["majorDimension"] = "COLUMNS"
	}
	if vals := readValues(a, option, columns); len(vals) > 0 {
		m["values"] = vals
	}
	return m
}

// handleValuesGet is values.get and values.batchGet.
func (s *Server) handleValuesGet(w http.ResponseWriter, r *http.Request, rt sheetsRoute) {
	q := r.URL.Query()
	option, fail := renderOption(q, "valueRenderOption", "value_render_option")
	if fail == nil {
		_, fail = validEnum(q, "majorDimension", "major_dimension", "Dimension", "ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")
	}
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	columns := q.Get("majorDimension") == "COLUMNS"
	ranges := []string{rt.rng}
	if rt.batch {
		ranges = q["ranges"]
	}
	s.withBook(w, r, rt, func(b *spreadsheet) (map[string]any, *Failure) {
		targets, fail := b.parseRanges(ranges)
		if fail != nil {
			return nil, fail
		}
		if !rt.batch {
			return valueRangeJSON(targets[0], option, columns), nil
		}
		resp := map[string]any{"spreadsheetId": b.id}
		var out []any
		for _, a := range targets {
			out = append(out, valueRangeJSON(a, option, columns))
		}
		if len(out) > 0 {
			resp["valueRanges"] = out
		}
		return resp, nil
	})
}

// handleValuesWrite is values.update (PUT) and values.append (POST …:append).
func (s *Server) handleValuesWrite(w http.ResponseWriter, r *http.Request, rt sheetsRoute) {
	q := r.URL.Query()
	userEntered, fail := valueInputOption(q.Get("valueInputOption"), "")
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	insert := ""
	if rt.kind == KindValuesAppend {
		insert, fail = validEnum(q, "insertDataOption", "insert_data_option", "InsertDataOption", "OVERWRITE", "INSERT_ROWS")
	}
	var respOption string
	if fail == nil {
		respOption, fail = renderOption(q, "responseValueRenderOption", "response_value_render_option")
	}
	var vr valueRangeIn
	if fail == nil {
		fail = readJSONBody(r, &vr, "")
	}
	if fail == nil && vr.Range != nil && *vr.Range != rt.rng {
		f := sheetsInvalid("Request range[%s] does not match value's range[%s]", rt.rng, *vr.Range)
		fail = &f
	}
	var grid [][]any
	if fail == nil {
		grid, fail = vr.grid(userEntered, "data.", "")
	}
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}

	s.withBook(w, r, rt, func(b *spreadsheet) (map[string]any, *Failure) {
		a, fail := b.parseRange(rt.rng)
		if fail != nil {
			return nil, fail
		}
		var p *writePlan
		tableRange := ""
		if rt.kind == KindValuesUpdate {
			p, fail = planUpdate(a, grid)
		} else if fail = a.checkGrid(); fail == nil {
			p, tableRange = planAppend(a, grid)
			fail = growForAppend(b, p, insert == "INSERT_ROWS")
		}
		if fail != nil {
			return nil, fail
		}
		resp := p.apply(b.id)
		if q.Get("includeValuesInResponse") == "true" {
			resp["updatedData"] = updatedData(p, respOption)
		}
		if rt.kind == KindValuesUpdate {
			return resp, nil
		}
		resp = map[string]any{"spreadsheetId": b.id, "updates": resp}
		if tableRange != "" {
			resp["tableRange"] = tableRange
		}
		return resp, nil
	})
}

// updatedData is the written range read back, for includeValuesInResponse.
func updatedData(p *writePlan, option string) map[string]any {
	width := 0
	for _, row := range p.grid {
		width = max(width, len(row))
	}
	a := a1{t: p.t, r1: p.r1, c1: p.c1, r2: p.r1 + max(len(p.grid), 1), c2: p.c1 + max(width, 1)}
	return valueRangeJSON(a, option, false)
}

// handleValuesClear is values.clear and values.batchClear: values go,
// formats stay.
func (s *Server) handleValuesClear(w http.ResponseWriter, r *http.Request, rt sheetsRoute) {
	var body struct {
		Ranges []string `json:"ranges"`
	}
	if fail := readJSONBody(r, &body, ""); fail != nil {
		s.writeError(w, r, *fail)
		return
	}
	ranges := []string{rt.rng}
	if rt.batch {
		ranges = body.Ranges
	}
	s.withBook(w, r, rt, func(b *spreadsheet) (map[string]any, *Failure) {
		targets, fail := b.parseRanges(ranges)
		if fail != nil {
			return nil, fail
		}
		var cleared []any
		for _, a := range targets {
			clearCells(a)
			cleared = append(cleared, a.String())
		}
		resp := map[string]any{"spreadsheetId": b.id}
		switch {
		case !rt.batch:
			resp["clearedRange"] = cleared[0]
		case len(cleared) > 0:
			resp["clearedRanges"] = cleared
		}
		return resp, nil
	})
}
