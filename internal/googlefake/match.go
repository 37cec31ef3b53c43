package googlefake

import (
	"slices"
	"strings"
	"time"
)

// node is a parsed q condition.
type node interface {
	match(d *driveState, f *file) bool
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }
type notNode struct{ n node }

func (n andNode) match(d *driveState, f *file) bool { return n.l.match(d, f) && n.r.match(d, f) }
func (n orNode) match(d *driveState, f *file) bool  { return n.l.match(d, f) || n.r.match(d, f) }
func (n notNode) match(d *driveState, f *file) bool { return !n.n.match(d, f) }

// inNode is 'value' in field.
type inNode struct{ value, field string }

func (n inNode) match(d *driveState, f *file) bool {
	if n.field == "parents" {
		return slices.Contains(f.parents, d.resolve(n.value))
	}
	// owners, writers, readers: the fake shares nothing with a third party,
	// so every one of them is the owner.
	if n.value == "me" || n.value == d.user.EmailAddress {
		return f.owner == ""
	}
	return f.owner == n.value
}

// hasNode is field has { key='k' and value='v' }.
type hasNode struct{ field, key, value string }

func (n hasNode) match(_ *driveState, f *file) bool {
	props := f.appProperties
	if n.field == "properties" {
		props = f.properties
	}
	v, ok := props[n.key]
	return ok && v == n.value
}

// cmpNode is field op value for strings, booleans and times.
type cmpNode struct {
	field, op string
	s         string
	b         bool
	t         time.Time
}

func (n cmpNode) match(d *driveState, f *file) bool {
	switch n.field {
	case "name":
		if n.op == "contains" {
			return nameContains(f.name, n.s)
		}
		return (f.name == n.s) == (n.op == "=")
	case "mimeType":
		if n.op == "contains" {
			return strings.Contains(f.mimeType, n.s)
		}
		return (f.mimeType == n.s) == (n.op == "=")
	case "trashed":
		return (d.trashed(f) == n.b) == (n.op == "=")
	case "starred":
		return (f.starred == n.b) == (n.op == "=")
	case "sharedWithMe":
		return ((f.owner != "") == n.b) == (n.op == "=")
	case "createdTime":
		return compareTime(f.created, n.op, n.t)
	case "modifiedTime":
		return compareTime(f.modified, n.op, n.t)
	}
	return false
}

func compareTime(have time.Time, op string, want time.Time) bool {
	c := have.Compare(want)
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "=":
		return c == 0
	}
	return c != 0
}

// nameContains is Drive's "name contains": not a substring test but a
// case-insensitive prefix match on the name or on one of its words, so
// 'Hello' finds "HelloWorld" and "say hello" while 'World' finds neither
// "HelloWorld" nor "xWorld".
func nameContains(name, needle string) bool {
	name, needle = strings.ToLower(name), strings.ToLower(needle)
	for i := 0; i < len(name); i++ {
		if (i == 0 || !isAlnum(name[i-1])) && strings.HasPrefix(name[i:], needle) {
			return true
		}
	}
	return needle == ""
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}
