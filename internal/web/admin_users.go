package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/passwd"
	"github.com/dbbackup/dbbackup/internal/state"
)

// adminUsersRoutes registers the users' model view: the list with a form
// to add one, and each user's page to change the password or role or to
// remove the user. The state database keeps them; the same rules hold as
// for `dbbackup user …`.
func (s *Server) adminUsersRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/users", s.admin(s.usersPage))
	mux.Handle("POST /admin/users", s.admin(s.addUser))
	mux.Handle("GET /admin/users/{name}", s.admin(s.userPage))
	mux.Handle("POST /admin/users/{name}/password", s.admin(s.setPassword))
	mux.Handle("POST /admin/users/{name}/role", s.admin(s.setRole))
	mux.Handle("POST /admin/users/{name}/remove", s.admin(s.removeUser))
}

// usersView is the users' list and the form that adds one.
type usersView struct {
	Search searchForm
	Users  []User
	// Name and Role are the add form's, kept when it is refused.
	Name   string
	Role   Role
	Errors formErrors
	// Added is the user just added (?done=added&user=NAME), "" unless
	// NAME is a user: a link cannot put text of its choosing in the page.
	Added string
}

var userSorts = map[string]func(a, b User) int{
	"name":    byString(func(u User) string { return u.Name }),
	"role":    byString(func(u User) string { return string(u.Role) }),
	"created": func(a, b User) int { return a.Created.Compare(b.Created) },
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, usersView{Role: RoleViewer})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v usersView) {
	users, err := s.o.Store.Users(r.Context())
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	if q := r.URL.Query(); q.Get("done") == "added" && r.Method == http.MethodGet {
		if i := slices.IndexFunc(users, func(u User) bool { return u.Name == q.Get("user") }); i >= 0 {
			v.Added = users[i].Name
		}
	}
	l := readListing(r, []string{"name", "role", "created"}, []string{string(RoleAdmin), string(RoleViewer)}, false)
	l.Path = "/admin/users"
	v.Users = list(&l, users, func(u User) bool {
		return (l.Filter == "" || string(u.Role) == l.Filter) && contains(u.Name, l.Search)
	}, userSorts)
	v.Search = searchForm{List: l, Label: "names", FilterLabel: "Role", Filters: []string{string(RoleAdmin), string(RoleViewer)}}
	s.renderStatus(w, r, status, "admin_users", "Users", v)
}

// userField maps what an error names to the user forms' fields.
func userField(variable string) (string, bool) {
	switch strings.ToLower(variable) {
	case "name":
		return "name", true
	case "password":
		return "password", true
	case "role":
		return "role", true
	}
	return "", false
}

// addUser adds a user with a role and a password typed twice.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	v := usersView{Name: strip(r.PostFormValue("name")), Role: Role(r.PostFormValue("role"))}
	err := s.addUserFrom(r, v.Name, v.Role)
	if err != nil {
		v.Errors = placeError(err, userField)
		s.renderUsers(w, r, http.StatusBadRequest, v)
		return
	}
	s.audit(r, "user.add", fmt.Sprintf("%s as %s", v.Name, v.Role))
	s.redirect(w, r, "/admin/users?done=added&user="+url.QueryEscape(v.Name))
}

func (s *Server) addUserFrom(r *http.Request, name string, role Role) error {
	if err := state.CheckUserName(name); err != nil {
		return err
	}
	if _, err := state.ParseRole(string(role)); err != nil {
		return err
	}
	hash, err := newPassword(r)
	if err != nil {
		return err
	}
	err = s.o.Store.AddUser(r.Context(), name, role, hash)
	if errors.Is(err, state.ErrUserExists) {
		return &dbbackup.ConfigError{Var: "name", Problem: "a user " + name + " exists already",
			Hint: "choose another name, or change that user's password on its page"}
	}
	return err
}

// newPassword is the hash of the password typed twice in r's form.
func newPassword(r *http.Request) (string, error) {
	pw := r.PostFormValue("password")
	if err := passwd.Check(pw); err != nil {
		return "", err
	}
	if pw != r.PostFormValue("password2") {
		return "", &dbbackup.ConfigError{Var: "password", Problem: "the two passwords differ", Hint: "type the same password twice"}
	}
	return passwd.Hash(pw)
}

// userView is one user's page.
type userView struct {
	User   User
	Self   bool
	Errors formErrors
	Done   string
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) {
	s.renderUser(w, r, http.StatusOK, formErrors{}, r.URL.Query().Get("done"))
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, errs formErrors, done string) {
	name := r.PathValue("name")
	u, _, ok, err := s.o.Store.UserHash(r.Context(), name)
	switch {
	case err != nil:
		s.fail(w, r, http.StatusInternalServerError, err)
		return
	case !ok:
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("there is no user %s", name))
		return
	}
	v := userView{User: u, Self: u.Name == userOf(r).Name, Errors: errs, Done: done}
	s.renderStatus(w, r, status, "admin_user", "User "+u.Name, v)
}

// setPassword sets a user's password; the user's sessions end.
func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	hash, err := newPassword(r)
	if err == nil {
		err = s.o.Store.SetPassword(r.Context(), name, hash)
	}
	if err != nil {
		s.userFailed(w, r, err)
		return
	}
	s.audit(r, "user.passwd", name)
	s.redirect(w, r, "/admin/users/"+url.PathEscape(name)+"?done=password")
}

// setRole makes a user an admin or a viewer; the last admin stays one.
func (s *Server) setRole(w http.ResponseWriter, r *http.Request) {
	name, role := r.PathValue("name"), Role(r.PostFormValue("role"))
	u, _, ok, err := s.o.Store.UserHash(r.Context(), name)
	if err == nil && ok && u.Role == RoleAdmin && role != RoleAdmin {
		err = s.notLastAdmin(r, name, "make "+name+" a viewer")
	}
	if err == nil {
		err = s.o.Store.SetRole(r.Context(), name, role)
	}
	if err != nil {
		s.userFailed(w, r, err)
		return
	}
	s.audit(r, "user.role", fmt.Sprintf("%s: %s → %s", name, u.Role, role))
	s.redirect(w, r, "/admin/users/"+url.PathEscape(name)+"?done=role")
}

// removeUser removes a user and ends their sessions. Admins do not remove
// themselves (another admin may), and the last admin stays.
func (s *Server) removeUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var err error
	if name == userOf(r).Name {
		err = errors.New("you cannot remove yourself: another admin can")
	} else {
		err = s.notLastAdmin(r, name, "remove "+name)
	}
	ok := false
	if err == nil {
		ok, err = s.o.Store.RemoveUser(r.Context(), name)
	}
	switch {
	case err != nil:
		s.userFailed(w, r, err)
	case !ok:
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("there is no user %s", name))
	default:
		s.audit(r, "user.remove", name)
		s.redirect(w, r, "/admin/users")
	}
}

// notLastAdmin refuses to do what to name when name is the only admin:
// nobody could change anything afterwards.
func (s *Server) notLastAdmin(r *http.Request, name, what string) error {
	users, err := s.o.Store.Users(r.Context())
	if err != nil {
		return err
	}
	admins := 0
	for _, u := range users {
		if u.Role == RoleAdmin && u.Name != name {
			admins++
		}
	}
	if admins == 0 {
		return dbbackup.WithHint(fmt.Errorf("cannot %s: %s is the only admin", what, name),
			"make another user an admin first")
	}
	return nil
}

// userFailed shows a user's page with what went wrong.
func (s *Server) userFailed(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusBadRequest
	if errors.Is(err, dbbackup.ErrNotFound) {
		status = http.StatusNotFound
	}
	s.renderUser(w, r, status, placeError(err, userField), "")
}
