package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestEachSetLinksToTheRunThatMadeIt: from a set on the Backups page to
// its run's page (tables, warnings, report) in one click.
func TestEachSetLinksToTheRunThatMadeIt(t *testing.T) {
	in := newInstallation(t, map[string]string{"DATABASE_URL": pgtest.NewDatabase(t, shopSQL)})
	first := in.backUp(t, "default")
	runs, err := in.ts.store.Runs(context.Background(), "default", 1)
	if err != nil || len(runs) != 1 || runs[0].SetID != first {
		t.Fatalf("the history: %+v, %v", runs, err)
	}
	ts := in.server(t)
	page := body(t, ts.get(t, ts.signedIn(t, "bob"), "/backups"))
	link := `href="/runs/` + strconv.FormatInt(runs[0].ID, 10) + `"`
	at := strings.Index(page, "<strong>"+first+"</strong>")
	end := strings.Index(page[max(at, 0):], "</details>")
	if at < 0 || end < 0 || !strings.Contains(page[at:at+end], link) {
		t.Fatalf("set %s does not link to its run (%s):\n%s", first, link, page)
	}
}
