package xlsx

import (
	"strconv"
	"strings"
)

// The XML parts of a workbook other than its worksheets (ECMA-376 Part 1,
// SpreadsheetML), reduced to what Excel needs to open the file.

const (
	xmlHeader       = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsMain          = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPackageRels   = "http://schemas.openxmlformats.org/package/2006/relationships"
	ctSheet         = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
)

func (wb *workbook) workbookXML() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRelationships + `">` +
		`<bookViews><workbookView/></bookViews><sheets>`)
	for i, p := range wb.sheets {
		id := strconv.Itoa(i + 1)
		b.WriteString(`<sheet name="` + xmlAttr(p.name) + `" sheetId="` + id + `" r:id="rId` + id + `"/>`)
	}
	b.WriteString(`</sheets>`)
	// Excel keeps each sheet's filter range in this hidden name as well
	// and some readers look only there.
	var names strings.Builder
	for i, p := range wb.sheets {
		if p.filter == "" {
			continue
		}
		from, to, _ := strings.Cut(p.filter, ":")
		names.WriteString(`<definedName name="_xlnm._FilterDatabase" localSheetId="` + strconv.Itoa(i) +
			`" hidden="1">` + xmlAttr(quoteSheet(p.name)+"!"+absolute(from)+":"+absolute(to)) + `</definedName>`)
	}
	if names.Len() > 0 {
		b.WriteString(`<definedNames>` + names.String() + `</definedNames>`)
	}
	b.WriteString(`</workbook>`)
	return b.String()
}

func (wb *workbook) workbookRels() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Relationships xmlns="` + nsPackageRels + `">`)
	for i := range wb.sheets {
		id := strconv.Itoa(i + 1)
		b.WriteString(`<Relationship Id="rId` + id + `" Type="` + nsRelationships +
			`/worksheet" Target="worksheets/sheet` + id + `.xml"/>`)
	}
	b.WriteString(`<Relationship Id="rId` + strconv.Itoa(len(wb.sheets)+1) + `" Type="` + nsRelationships +
		`/styles" Target="styles.xml"/></Relationships>`)
	return b.String()
}

func (wb *workbook) contentTypes() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	for i := range wb.sheets {
		b.WriteString(`<Override PartName="/xl/worksheets/sheet` + strconv.Itoa(i+1) + `.xml" ContentType="` + ctSheet + `"/>`)
	}
	b.WriteString(`</Types>`)
	return b.String()
}

const rootRels = xmlHeader + `<Relationships xmlns="` + nsPackageRels + `">` +
	`<Relationship Id="rId1" Type="` + nsRelationships + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`

// stylesXML holds the cell formats the style constants in cells.go index,
// in that order.
const stylesXML = xmlHeader + `<styleSheet xmlns="` + nsMain + `">` +
	`<numFmts count="5">` +
	`<numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>` +
	`<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/>` +
	`<numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm:ss.000"/>` +
	`<numFmt numFmtId="167" formatCode="hh:mm:ss"/>` +
	`<numFmt numFmtId="168" formatCode="hh:mm:ss.000"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="7">` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`

// quoteSheet quotes a sheet name for use in a reference, doubling any
// apostrophe in it.
func quoteSheet(name string) string {
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// absolute turns a cell reference such as AB12 into $AB$12.
func absolute(ref string) string {
	i := strings.IndexAny(ref, "0123456789")
	return "$" + ref[:i] + "$" + ref[i:]
}

var attrEscaper = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&quot;")

func xmlAttr(s string) string { return attrEscaper.Replace(s) }
