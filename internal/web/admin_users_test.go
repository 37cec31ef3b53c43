package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestUsersAreAddedGivenPasswordsAndRolesAndRemoved(t *testing.T) {
	ts := newTestServer(t, Options{})
	alice := ts.signedIn(t, "alice")
	add := func(form url.Values) (int, string) {
		res := ts.postForm(t, alice, "/admin/users", form)
		return res.StatusCode, body(t, res)
	}
	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"name": {"carol"}, "role": {"viewer"}, "password": {"long enough 1"}, "password2": {"long enough 2"}}, "password-error"},
		{url.Values{"name": {"carol"}, "role": {"viewer"}, "password": {"short"}, "password2": {"short"}}, "password-error"},
		{url.Values{"name": {"carol smith"}, "role": {"viewer"}, "password": {"long enough"}, "password2": {"long enough"}}, "name-error"},
		{url.Values{"name": {"bob"}, "role": {"viewer"}, "password": {"long enough"}, "password2": {"long enough"}}, "name-error"},
		{url.Values{"name": {"carol"}, "role": {"root"}, "password": {"long enough"}, "password2": {"long enough"}}, "role-error"},
	} {
		status, page := add(c.form)
		if status != http.StatusBadRequest || !strings.Contains(page, `id="`+c.field+`"`) {
			t.Errorf("%v: %d, want 400 with %s:\n%s", c.form, status, c.field, page)
		}
	}
	if status, page := add(url.Values{"name": {"carol"}, "role": {"viewer"}, "password": {"carol's password"}, "password2": {"carol's password"}}); status != http.StatusSeeOther {
		t.Fatalf("add carol: %d\n%s", status, page)
	}
	carol := ts.browser(t)
	if res := ts.postForm(t, carol, "/login", url.Values{"name": {"carol"}, "password": {"carol's password"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("carol cannot sign in: %d", res.StatusCode)
	}
	if res := ts.get(t, carol, "/admin"); res.StatusCode != http.StatusForbidden {
		t.Errorf("carol, a viewer, opens the admin panel: %d", res.StatusCode)
	}

	// A new password ends carol's sessions.
	res := ts.postForm(t, alice, "/admin/users/carol/password", url.Values{"password": {"a new password"}, "password2": {"a new password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("password: %d\n%s", res.StatusCode, body(t, res))
	}
	if res := ts.get(t, carol, "/backups"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("carol's session outlived her password: %d", res.StatusCode)
	}
	if res := ts.postForm(t, alice, "/admin/users/carol/role", url.Values{"role": {"admin"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("role: %d\n%s", res.StatusCode, body(t, res))
	}
	if u, _, _, _ := ts.store.UserHash(context.Background(), "carol"); u.Role != RoleAdmin {
		t.Errorf("carol is %s", u.Role)
	}
	if res := ts.postForm(t, alice, "/admin/users/carol/remove", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d\n%s", res.StatusCode, body(t, res))
	}
	if _, _, ok, _ := ts.store.UserHash(context.Background(), "carol"); ok {
		t.Error("carol is still there")
	}
	for _, action := range []string{"user.add", "user.passwd", "user.role", "user.remove"} {
		if !ts.audited(t, "alice", action, "carol") {
			t.Errorf("no %s in the audit log: %v", action, ts.auditLog(t))
		}
	}
}

// TestTheLastAdminStays: nobody could change anything afterwards.
func TestTheLastAdminStays(t *testing.T) {
	ts := newTestServer(t, Options{})
	alice := ts.signedIn(t, "alice")
	for path, form := range map[string]url.Values{
		"/admin/users/alice/role":   {"role": {"viewer"}},
		"/admin/users/alice/remove": nil,
	} {
		res := ts.postForm(t, alice, path, form)
		if page := body(t, res); res.StatusCode != http.StatusBadRequest || !regexp.MustCompile(`only admin|yourself`).MatchString(page) {
			t.Errorf("%s: %d\n%s", path, res.StatusCode, page)
		}
	}
	if u, _, _, _ := ts.store.UserHash(context.Background(), "alice"); u.Role != RoleAdmin {
		t.Error("the last admin was demoted")
	}
	// Another admin may remove alice, who then is no more.
	hash := "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
	ts.store.AddUser(context.Background(), "dave", RoleAdmin, hash)
	if res := ts.postForm(t, alice, "/admin/users/alice/role", url.Values{"role": {"viewer"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("with another admin, alice may step down: %d", res.StatusCode)
	}
}

// TestListsSortFilterSearchAndPage: the users' list and the audit log, as
// every admin list does.
func TestListsSortFilterSearchAndPage(t *testing.T) {
	ts := newTestServer(t, Options{})
	ctx := context.Background()
	hash := "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
	for i := range 30 {
		role := RoleViewer
		if i%10 == 0 {
			role = RoleAdmin
		}
		if err := ts.store.AddUser(ctx, fmt.Sprintf("user%02d", i), role, hash); err != nil {
			t.Fatal(err)
		}
		ts.store.Audit(ctx, time.Date(2025, 5, 1, 0, i, 0, 0, time.UTC), fmt.Sprintf("user%02d", i), []string{"verify", "restore"}[i%2], fmt.Sprintf("set %02d", i))
	}
	alice := ts.signedIn(t, "alice")
	names := func(path string) []string {
		t.Helper()
		page := body(t, ts.get(t, alice, path))
		var out []string
		for _, m := range regexp.MustCompile(`<td[^>]*><a href="/admin/users/[^"]+">([^<]+)</a>`).FindAllStringSubmatch(page, -1) {
			out = append(out, m[1])
		}
		return out
	}
	first := names("/admin/users")
	if len(first) != perPage || first[0] != "alice" || first[2] != "user00" {
		t.Fatalf("page 1 by name: %v", first)
	}
	if second := names("/admin/users?sort=name&page=2"); len(second) != 32-perPage || second[len(second)-1] != "user29" {
		t.Errorf("page 2: %v", second)
	}
	if desc := names("/admin/users?sort=name&desc=1"); desc[0] != "user29" {
		t.Errorf("by name, descending: %v", desc[:3])
	}
	if admins := names("/admin/users?filter=admin"); strings.Join(admins, " ") != "alice user00 user10 user20" {
		t.Errorf("admins: %v", admins)
	}
	if found := names("/admin/users?q=USER1"); len(found) != 10 {
		t.Errorf("search user1: %v", found)
	}

	page := body(t, ts.get(t, alice, "/admin/audit?filter=verify&q=set+2"))
	if got := regexp.MustCompile(`set 2\d`).FindAllString(page, -1); len(got) != 5 || strings.Contains(page, "restore</td>") {
		t.Errorf("audit, verify of sets 2x: %v\n%s", got, page)
	}
	page = body(t, ts.get(t, alice, "/admin/audit?sort=at"))
	if i, j := strings.Index(page, "set 00"), strings.Index(page, "set 01"); i < 0 || j < 0 || i > j {
		t.Errorf("audit oldest first: set 00 at %d, set 01 at %d", i, j)
	}
	if !strings.Contains(page, `aria-sort="ascending"`) || !strings.Contains(page, `rel="next"`) {
		t.Errorf("the sorted column or the next page is not marked:\n%s", page)
	}
}

// TestAViewerGets403OnEveryAdminAction: a viewer sees everything and
// changes nothing, even by typing the address or posting the form.
func TestAViewerGets403OnEveryAdminAction(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1/app"})
	ts := in.server(t)
	bob := ts.signedIn(t, "bob")
	for _, c := range []struct{ method, path string }{
		{"GET", "/admin"}, {"GET", "/admin/jobs"}, {"GET", "/admin/jobs/new"}, {"POST", "/admin/jobs"},
		{"GET", "/admin/jobs/shop"}, {"POST", "/admin/jobs/shop"}, {"GET", "/admin/jobs/shop/remove"}, {"POST", "/admin/jobs/shop/remove"},
		{"GET", "/admin/users"}, {"POST", "/admin/users"}, {"GET", "/admin/users/alice"},
		{"POST", "/admin/users/alice/password"}, {"POST", "/admin/users/alice/role"}, {"POST", "/admin/users/alice/remove"},
		{"GET", "/admin/audit"}, {"GET", "/admin/runs"},
		{"GET", "/admin/sheets"}, {"GET", "/admin/sheets/new"}, {"POST", "/admin/sheets"}, {"GET", "/admin/sheets/orders"},
		{"POST", "/admin/sheets/orders"}, {"GET", "/admin/sheets/orders/remove"}, {"POST", "/admin/sheets/orders/remove"},
		{"POST", "/admin/sheets/orders/sync"}, {"GET", "/admin/sheets/orders/live"}, {"GET", "/admin/sheets/orders/progress"},
		{"POST", "/backups/default/backup_20250101_000000/verify"}, {"GET", "/backups/default/backup_20250101_000000/restore"},
		{"POST", "/backups/default/backup_20250101_000000/restore"},
		{"POST", "/settings/default/check"}, {"POST", "/settings/default/email"},
		{"POST", "/google/connect"}, {"GET", "/google/callback?state=x&code=y"}, {"POST", "/google/paste"}, {"POST", "/google/disconnect"},
	} {
		var res *http.Response
		if c.method == "GET" {
			res = ts.get(t, bob, c.path)
		} else {
			res = ts.postForm(t, bob, c.path, url.Values{"name": {"eve"}, "role": {"admin"}, "password": {"long enough"}, "password2": {"long enough"}})
		}
		if body(t, res); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s as a viewer: %d, want 403", c.method, c.path, res.StatusCode)
		}
	}
	if _, _, ok, _ := ts.store.UserHash(context.Background(), "eve"); ok {
		t.Error("a viewer added a user")
	}
	for _, path := range []string{"/backups", "/settings", "/google"} {
		if res := ts.get(t, bob, path); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s as a viewer: %d", path, res.StatusCode)
		}
	}
}
