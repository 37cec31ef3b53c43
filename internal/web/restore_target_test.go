package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestCheckingTheTargetRefusesADatabaseThatIsMissingOrInUse: "Check the
// target" connects to it, and a database that is not there or holds
// something is refused there, with what it holds, before anything asks
// "Write into …?".
func TestCheckingTheTargetRefusesADatabaseThatIsMissingOrInUse(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL)})
	set := in.backUp(t, "default")
	ts := in.server(t)
	alice := ts.signedIn(t, "alice")
	restore := "/backups/default/" + set + "/restore"
	used := pgtest.NewDatabase(t, `CREATE TABLE invoices (id int); CREATE VIEW open_invoices AS SELECT * FROM invoices;`)

	for _, c := range []struct{ target, want string }{
		{strings.TrimPrefix(mustURL(t, used).Path, "/"), "is not empty: it holds 2 objects"},
		{used, "invoices"},
		{"dbbackup_no_such_database", "createdb dbbackup_no_such_database"},
	} {
		res := ts.postForm(t, alice, restore, url.Values{"target": {c.target}})
		page := body(t, res)
		if res.StatusCode != http.StatusConflict || !strings.Contains(page, c.want) || strings.Contains(page, "Write into") ||
			strings.Contains(page, `name="confirm"`) || !strings.Contains(page, `aria-invalid="true"`) {
			t.Errorf("target %s: %d, want 409 saying %q without a confirmation:\n%s", c.target, res.StatusCode, c.want, page)
		}
	}
	if ts.audited(t, "alice", "restore", "") {
		t.Errorf("a restore was tried: %v", ts.auditLog(t))
	}
}
