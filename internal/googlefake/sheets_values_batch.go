package googlefake

import (
	"fmt"
	"net/http"
)

// handleValuesBatch is values.batchUpdate: several ranges written in one
// request, all or none. A failure names the range's place: "Invalid
// data[1]: Unable to parse range: …".
func (s *Server) handleValuesBatch(w http.ResponseWriter, r *http.Request, rt sheetsRoute) {
	var body struct {
		ValueInputOption             string          `json:"valueInputOption"`
		Data                         []*valueRangeIn `json:"data"`
		IncludeValuesInResponse      bool            `json:"includeValuesInResponse"`
		ResponseValueRenderOption    string          `json:"responseValueRenderOption"`
		ResponseDateTimeRenderOption string          `json:"responseDateTimeRenderOption"`
	}
	fail := readJSONBody(r, &body, "")
	var userEntered bool
	if fail == nil {
		userEntered, fail = valueInputOption(body.ValueInputOption, "")
	}
	respOption := renderFormatted
	if fail == nil && body.ResponseValueRenderOption != "" {
		respOption, fail = validEnum(map[string][]string{"o": {body.ResponseValueRenderOption}}, "o",
			"response_value_render_option", "ValueRenderOption", renderFormatted, renderUnformatted, renderFormula)
	}
	grids := make([][][]any, len(body.Data))
	for i := 0; fail == nil && i < len(body.Data); i++ {
		grids[i], fail = body.Data[i].grid(userEntered, fmt.Sprintf("data[%d].", i), fmt.Sprintf("Invalid data[%d]: ", i))
	}
	if fail != nil {
		s.writeError(w, r, *fail)
		return
	}

	s.withBook(w, r, rt, func(b *spreadsheet) (map[string]any, *Failure) {
		plans := make([]*writePlan, len(body.Data))
		for i, vr := range body.Data {
			rng := ""
			if vr.Range != nil {
				rng = *vr.Range
			}
			a, fail := b.parseRange(rng)
			if fail == nil {
				plans[i], fail = planUpdate(a, grids[i])
			}
			if fail != nil {
				return nil, prefixed(fail, fmt.Sprintf("Invalid data[%d]: ", i))
			}
		}
		return applyPlans(b.id, plans, body.IncludeValuesInResponse, respOption), nil
	})
}

// applyPlans writes checked plans and sums their replies into a
// BatchUpdateValuesResponse.
func applyPlans(id string, plans []*writePlan, includeValues bool, option string) map[string]any {
	resp := map[string]any{"spreadsheetId": id}
	var responses []any
	rows, cols, cells := 0, 0, 0
	tabs := map[*tab]bool{}
	for _, p := range plans {
		u := p.apply(id)
		if includeValues {
			u["updatedData"] = updatedData(p, option)
		}
		responses = append(responses, u)
		n, _ := u["updatedCells"].(int)
		if n > 0 {
			tabs[p.t] = true
		}
		cells += n
		n, _ = u["updatedRows"].(int)
		rows += n
		n, _ = u["updatedColumns"].(int)
		cols += n
	}
	putCount(resp, "totalUpdatedRows", rows)
	putCount(resp, "totalUpdatedColumns", cols)
	putCount(resp, "totalUpdatedCells", cells)
	putCount(resp, "totalUpdatedSheets", len(tabs))
	if len(responses) > 0 {
		resp["responses"] = responses
	}
	return resp
}

// prefixed puts Google's "Invalid data[i]: " or "Invalid requests[i].kind: "
// before a 400's message; other failures pass unchanged.
func prefixed(f *Failure, prefix string) *Failure {
	if f == nil || f.Code != 400 {
		return f
	}
	c := *f
	c.Message = prefix + c.Message
	return &c
}
