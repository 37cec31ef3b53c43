package web

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/config"
)

// adminRoutes registers the admin panel, in the spirit of Flask-Admin: a
// view of each model (jobs, users, the audit log; runs are /runs), each a
// list that sorts, filters, searches and pages. Admins only.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin", s.admin(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, "admin", "Admin", nil)
	}))
	mux.Handle("GET /admin/runs", s.admin(func(w http.ResponseWriter, r *http.Request) {
		s.redirect(w, r, "/runs")
	}))
	s.adminJobsRoutes(mux)
	s.adminUsersRoutes(mux)
	s.adminSheetsRoutes(mux)
	s.auditRoutes(mux)
}

// perPage is how many items a list shows at once.
const perPage = 25

// listing is what a list page was asked for (?q=, ?filter=, ?sort=,
// ?desc=1, ?page=) and, once listed, how many items there are. A sort or
// filter the list does not have is ignored: a link kept from an older
// version still shows the list.
type listing struct {
	Path   string
	Search string
	Filter string
	Sort   string
	Desc   bool
	Page   int // from 1
	Total  int
}

// readListing reads r's list query for a list that sorts by sorts (the
// first the default, descending when desc) and filters by filters.
func readListing(r *http.Request, sorts, filters []string, desc bool) listing {
	q := r.URL.Query()
	l := listing{Path: r.URL.Path, Search: strings.TrimSpace(q.Get("q")), Sort: sorts[0], Desc: desc, Page: 1}
	if sort := q.Get("sort"); slices.Contains(sorts, sort) {
		l.Sort, l.Desc = sort, q.Get("desc") == "1"
	}
	if f := q.Get("filter"); slices.Contains(filters, f) {
		l.Filter = f
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
		l.Page = p
	}
	return l
}

// link is the list's address with changes applied.
func (l listing) link(change func(q url.Values)) string {
	q := url.Values{}
	if l.Search != "" {
		q.Set("q", l.Search)
	}
	if l.Filter != "" {
		q.Set("filter", l.Filter)
	}
	q.Set("sort", l.Sort)
	if l.Desc {
		q.Set("desc", "1")
	}
	if l.Page > 1 {
		q.Set("page", strconv.Itoa(l.Page))
	}
	change(q)
	return l.Path + "?" + q.Encode()
}

// Pages is how many pages the list has (1 when empty).
func (l listing) Pages() int { return max(1, (l.Total+perPage-1)/perPage) }

// Offset is the index of the first item shown.
func (l listing) Offset() int { return (l.Page - 1) * perPage }

// First and Last number the items shown, from 1.
func (l listing) First() int { return min(l.Offset()+1, l.Total) }
func (l listing) Last() int  { return min(l.Offset()+perPage, l.Total) }

// PrevLink and NextLink are the pages around this one, "" at the ends.
func (l listing) PrevLink() string {
	if l.Page <= 1 {
		return ""
	}
	return l.link(func(q url.Values) { q.Set("page", strconv.Itoa(l.Page-1)) })
}

func (l listing) NextLink() string {
	if l.Page >= l.Pages() {
		return ""
	}
	return l.link(func(q url.Values) { q.Set("page", strconv.Itoa(l.Page+1)) })
}

// sortHead is a column heading that sorts the list by its column: again
// in the other direction when the list is sorted by it already.
type sortHead struct {
	Label, Href string
	// Aria is the column's aria-sort, "" for a column the list is not
	// sorted by.
	Aria string
}

// Head is the heading of column col.
func (l listing) Head(col, label string) sortHead {
	h := sortHead{Label: label}
	desc := false
	if l.Sort == col {
		h.Aria, desc = "ascending", !l.Desc
		if l.Desc {
			h.Aria = "descending"
		}
	}
	h.Href = l.link(func(q url.Values) {
		q.Set("sort", col)
		q.Del("desc")
		if desc {
			q.Set("desc", "1")
		}
		q.Del("page")
	})
	return h
}

// list sorts items by the listing's column (by[l.Sort], then by their
// order already), keeps those that match, and returns the page asked for.
func list[T any](l *listing, items []T, match func(T) bool, by map[string]func(a, b T) int) []T {
	kept := slices.DeleteFunc(slices.Clone(items), func(x T) bool { return !match(x) })
	if c := by[l.Sort]; c != nil {
		slices.SortStableFunc(kept, func(a, b T) int {
			if l.Desc {
				return c(b, a)
			}
			return c(a, b)
		})
	}
	l.Total = len(kept)
	l.Page = min(l.Page, l.Pages())
	return kept[min(l.Offset(), len(kept)):min(l.Offset()+perPage, len(kept))]
}

// contains reports whether s holds the search (case-insensitive).
func contains(s, search string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(search))
}

// byString compares the field key returns.
func byString[T any](key func(T) string) func(a, b T) int {
	return func(a, b T) int { return cmp.Compare(key(a), key(b)) }
}

// searchForm is a list's search box and its one filter.
type searchForm struct {
	List               listing
	Label, FilterLabel string
	Filters            []string
}

// formErrors are the errors of a form: each beside the field its
// ConfigError names, and the form's own (any other error) above it.
type formErrors struct {
	Fields        map[string]*fieldError
	Problem, Hint string
}

// fieldError is what is wrong with one field, and what to do.
type fieldError struct{ Problem, Hint string }

// placeError places each problem of err (one, or config.Problems): beside
// the field whose ConfigError's Var field maps to a field of the form
// (the first problem of a field), else as the form's own.
func placeError(err error, field func(variable string) (string, bool)) formErrors {
	fe := formErrors{Fields: map[string]*fieldError{}}
	var problems config.Problems
	var ce *dbbackup.ConfigError
	switch {
	case errors.As(err, &problems):
	case errors.As(err, &ce):
		problems = config.Problems{ce}
	default:
		fe.Problem, fe.Hint = problemOf(err)
		return fe
	}
	var others []string
	for _, ce := range problems {
		if name, ok := field(ce.Var); ok {
			if fe.Fields[name] == nil {
				fe.Fields[name] = &fieldError{Problem: ce.Problem, Hint: ce.Hint}
			}
			continue
		}
		if len(others) == 0 {
			fe.Hint = ce.Hint
		}
		others = append(others, ce.Error())
	}
	fe.Problem = strings.Join(others, "; ")
	return fe
}

// Any reports whether the form has an error.
func (f formErrors) Any() bool { return f.Problem != "" || len(f.Fields) > 0 }

// summary lists the form's errors in its order, each linking to its
// field: the name's first, then those of the fields keyed keys (with
// the labels the form shows them under).
func (f formErrors) summary(keys, labels []string) []summaryLine {
	var out []summaryLine
	if e := f.Fields["name"]; e != nil {
		out = append(out, summaryLine{ID: "name", Label: "Name", Problem: e.Problem})
	}
	for i, k := range keys {
		if e := f.Fields[k]; e != nil {
			out = append(out, summaryLine{ID: "f-" + k, Label: labels[i], Problem: e.Problem})
		}
	}
	return out
}

// refused shows a form again, its errors placed: 400, nothing saved.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, page, what, name string, isNew bool, f any) {
	title := what + " " + name
	if isNew {
		title = "New " + strings.ToLower(what)
	}
	s.renderStatus(w, r, http.StatusBadRequest, page, title, f)
}
