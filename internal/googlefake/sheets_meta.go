package googlefake

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"

	sheets "google.golang.org/api/sheets/v4"
)

// metaIn is DeveloperMetadata in a request. A location on sheet 0 may
// come as locationType SHEET alone, since the Go client leaves a zero
// sheetId out.
type metaIn struct {
	MetadataID    *int64        `json:"metadataId"`
	MetadataKey   *string       `json:"metadataKey"`
	MetadataValue *string       `json:"metadataValue"`
	Visibility    *string       `json:"visibility"`
	Location      *metaLocation `json:"location"`
}

// metaLocation is a DeveloperMetadataLocation.
type metaLocation struct {
	Spreadsheet    *bool  `json:"spreadsheet"`
	SheetID        *int64 `json:"sheetId"`
	LocationType   string `json:"locationType"`
	DimensionRange any    `json:"dimensionRange"`
}

// place resolves the location: nil for the spreadsheet, else a sheet id.
func (l *metaLocation) place(b *spreadsheet) (*int64, *Failure) {
	switch {
	case l == nil:
		f := sheetsInvalid("Developer metadata must have a location specified.")
		return nil, &f
	case l.DimensionRange != nil:
		f := sheetsUnimplemented("developer metadata on rows or columns")
		return nil, &f
	case l.SheetID != nil || l.LocationType == "SHEET":
		var id int64
		if l.SheetID != nil {
			id = *l.SheetID
		}
		if b.tabByID(id) == nil {
			return nil, tabFailure(id)
		}
		return &id, nil
	case l.Spreadsheet != nil && *l.Spreadsheet || l.LocationType == "SPREADSHEET":
		return nil, nil
	}
	f := sheetsInvalid("Developer metadata must have a location specified.")
	return nil, &f
}

func reqCreateMetadata(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		DeveloperMetadata metaIn `json:"developerMetadata"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	in := req.DeveloperMetadata
	bad := func(msg string) (map[string]any, *Failure) {
		f := sheetsInvalid("%s", msg)
		return nil, &f
	}
	switch {
	case in.MetadataKey == nil || *in.MetadataKey == "":
		return bad("Developer metadata must always have a key specified.")
	case in.Visibility == nil || (*in.Visibility != "DOCUMENT" && *in.Visibility != "PROJECT"):
		return bad("Developer metadata must always have visibility specified.")
	case in.MetadataID != nil && *in.MetadataID <= 0:
		return bad("Developer metadata ids must be positive.")
	case in.MetadataID != nil && b.metaByID(*in.MetadataID) != nil:
		return bad("Developer metadata with that id already exists.")
	}
	where, f := in.Location.place(b)
	if f != nil {
		return nil, f
	}
	m := &devMeta{key: *in.MetadataKey, visibility: *in.Visibility, sheetID: where}
	if in.MetadataValue != nil {
		m.value = *in.MetadataValue
	}
	if in.MetadataID != nil {
		m.id = *in.MetadataID
	} else {
		for m.id = 1 + rand.Int64N(1<<31-1); b.metaByID(m.id) != nil; m.id = 1 + rand.Int64N(1<<31-1) {
		}
	}
	b.meta = append(b.meta, m)
	return map[string]any{"createDeveloperMetadata": map[string]any{"developerMetadata": m.json()}}, nil
}

// dataFilterIn is a DataFilter; the fake matches developer metadata
// lookups only.
type dataFilterIn struct {
	Lookup *struct {
		MetadataID       *int64        `json:"metadataId"`
		MetadataKey      *string       `json:"metadataKey"`
		MetadataValue    *string       `json:"metadataValue"`
		Visibility       *string       `json:"visibility"`
		LocationType     string        `json:"locationType"`
		MetadataLocation *metaLocation `json:"metadataLocation"`
	} `json:"developerMetadataLookup"`
	A1Range   any `json:"a1Range"`
	GridRange any `json:"gridRange"`
}

// matching is the metadata every filter's lookup selects (a lookup selects
// what matches all of its members).
func (b *spreadsheet) matching(filters []dataFilterIn) ([]*devMeta, *Failure) {
	var out []*devMeta
	for _, df := range filters {
		l := df.Lookup
		if l == nil {
			f := sheetsUnimplemented("data filters other than developerMetadataLookup")
			return nil, &f
		}
		for _, m := range b.meta {
			ok := (l.MetadataID == nil || *l.MetadataID == m.id) &&
				(l.MetadataKey == nil || *l.MetadataKey == m.key) &&
				(l.MetadataValue == nil || *l.MetadataValue == m.value) &&
				(l.Visibility == nil || *l.Visibility == m.visibility) &&
				(l.LocationType == "" || l.LocationType == m.locationType())
			if ok && l.MetadataLocation != nil {
				where, f := l.MetadataLocation.place(b)
				if f != nil {
					return nil, f
				}
				ok = (where == nil) == (m.sheetID == nil) && (where == nil || *where == *m.sheetID)
			}
			if ok && !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

func reqUpdateMetadata(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		DataFilters       []dataFilterIn `json:"dataFilters"`
		DeveloperMetadata metaIn         `json:"developerMetadata"`
		Fields            string         `json:"fields"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	if f := maskFailure(req.Fields, reflect.TypeFor[sheets.DeveloperMetadata]()); f != nil {
		return nil, f
	}
	matched, f := b.matching(req.DataFilters)
	if f != nil {
		return nil, f
	}
	mask, in := maskSet(req.Fields), req.DeveloperMetadata
	all := mask["*"]
	var where *int64
	if all || mask["location"] {
		if where, f = in.Location.place(b); f != nil {
			return nil, f
		}
	}
	var out []any
	for _, m := range matched {
		if (all || mask["metadataKey"]) && in.MetadataKey != nil {
			m.key = *in.MetadataKey
		}
		if all || mask["metadataValue"] {
			m.value = ""
			if in.MetadataValue != nil {
				m.value = *in.MetadataValue
			}
		}
		if (all || mask["visibility"]) && in.Visibility != nil {
			m.visibility = *in.Visibility
		}
		if all || mask["location"] {
			m.sheetID = where
		}
		out = append(out, m.json())
	}
	return map[string]any{"updateDeveloperMetadata": map[string]any{"developerMetadata": out}}, nil
}

func reqDeleteMetadata(b *spreadsheet, raw json.RawMessage) (map[string]any, *Failure) {
	var req struct {
		DataFilter dataFilterIn `json:"dataFilter"`
	}
	if f := decodeRequest(raw, &req); f != nil {
		return nil, f
	}
	matched, f := b.matching([]dataFilterIn{req.DataFilter})
	if f != nil {
		return nil, f
	}
	var out []any
	for _, m := range matched {
		out = append(out, m.json())
	}
	b.meta = slices.DeleteFunc(b.meta, func(m *devMeta) bool { return slices.Contains(matched, m) })
	return map[string]any{"deleteDeveloperMetadata": map[string]any{"deletedDeveloperMetadata": out}}, nil
}

func (b *spreadsheet) metaByID(id int64) *devMeta {
	for _, m := range b.meta {
		if m.id == id {
			return m
		}
	}
	return nil
}

func (m *devMeta) locationType() string {
	if m.sheetID == nil {
		return "SPREADSHEET"
	}
	return "SHEET"
}

// json is DeveloperMetadata as Google writes it.
func (m *devMeta) json() map[string]any {
	loc := map[string]any{"locationType": m.locationType()}
	if m.sheetID == nil {
		loc["spreadsheet"] = true
	} else if *m.sheetID != 0 {
		loc["sheetId"] = *m.sheetID
	}
	out := map[string]any{"metadataId": m.id, "metadataKey": m.key, "location": loc, "visibility": m.visibility}
	if m.value != "" {
		out["metadataValue"] = m.value
	}
	return out
}

// metaJSON lists the metadata at a location: the spreadsheet (nil) or a
// sheet.
func (b *spreadsheet) metaJSON(sheetID *int64) []any {
	var out []any
	for _, m := range b.meta {
		if (m.sheetID == nil) == (sheetID == nil) && (sheetID == nil || *m.sheetID == *sheetID) {
			out = append(out, m.json())
		}
	}
	return out
}
