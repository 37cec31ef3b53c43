package googlefake

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestListQuery runs q strings against a small seeded Drive through the
// real endpoint, and checks that the malformed ones get Drive's answer.
func TestListQuery(t *testing.T) {
	e := newRaw(t)
	s := e.s
	day := func(d int) time.Time { return time.Date(2026, 1, d, 12, 0, 0, 0, time.UTC) }
	backups := s.AddFile(FileSpec{Name: "Backups", MimeType: FolderMimeType, CreatedTime: day(1)}).ID
	s.AddFile(FileSpec{Name: "db-2026-01-02.dump", Parents: []string{backups}, CreatedTime: day(2),
		AppProperties: map[string]string{"tool": "dbbackup", "set": "a"}})
	s.AddFile(FileSpec{Name: "db-2026-01-03.dump", Parents: []string{backups}, CreatedTime: day(3),
		AppProperties: map[string]string{"tool": "dbbackup", "set": "b"}, Trashed: true})
	s.AddFile(FileSpec{Name: "it's \\ odd", Parents: []string{backups}, CreatedTime: day(4), MimeType: "text/plain"})
	s.AddFile(FileSpec{Name: "HelloWorld", CreatedTime: day(5), Properties: map[string]string{"tool": "dbbackup"}})
	s.AddFile(FileSpec{Name: "shared.txt", CreatedTime: day(6), Owner: "friend@example.com"})
	s.AddFile(FileSpec{Name: "secret", CreatedTime: day(7), Hidden: true})
	inTrashed := s.AddFile(FileSpec{Name: "Old", MimeType: FolderMimeType, CreatedTime: day(8), Trashed: true}).ID
	s.AddFile(FileSpec{Name: "inside old", Parents: []string{inTrashed}, CreatedTime: day(9)})

	cases := []struct {
		q    string
		want []string // names in creation order; nil with bad set means 400
		bad  bool
	}{
		{q: "", want: []string{"Backups", "db-2026-01-02.dump", "db-2026-01-03.dump", "it's \\ odd", "HelloWorld", "shared.txt", "Old", "inside old"}},
		{q: "'" + backups + "' in parents", want: []string{"db-2026-01-02.dump", "db-2026-01-03.dump", "it's \\ odd"}},
		{q: "'" + backups + "' in parents and trashed = false", want: []string{"db-2026-01-02.dump", "it's \\ odd"}},
		{q: "trashed=true", want: []string{"db-2026-01-03.dump", "Old", "inside old"}},
		{q: "trashed != true and 'root' in parents", want: []string{"Backups", "HelloWorld", "shared.txt"}},
		{q: `name = 'it\'s \\ odd'`, want: []string{"it's \\ odd"}},
		{q: "name contains 'hello'", want: []string{"HelloWorld"}},
		{q: "name contains 'World'", want: nil},
		{q: "name contains '2026'", want: []string{"db-2026-01-02.dump", "db-2026-01-03.dump"}},
		{q: "mimeType = 'application/vnd.google-apps.folder'", want: []string{"Backups", "Old"}},
		{q: "mimeType != 'application/vnd.google-apps.folder' and not name contains 'db'", want: []string{"it's \\ odd", "HelloWorld", "shared.txt", "inside old"}},
		{q: "mimeType contains 'text/'", want: []string{"it's \\ odd"}},
		{q: "appProperties has { key='tool' and value='dbbackup' }", want: []string{"db-2026-01-02.dump", "db-2026-01-03.dump"}},
		{q: "appProperties has {key='set' and value='b'} and trashed = false", want: nil},
		{q: "properties has { key='tool' and value='dbbackup' }", want: []string{"HelloWorld"}},
		{q: "createdTime < '2026-01-03T00:00:00'", want: []string{"Backups", "db-2026-01-02.dump"}},
		{q: "createdTime <= '2026-01-02T12:00:00Z'", want: []string{"Backups", "db-2026-01-02.dump"}},
		{q: "createdTime > '2026-01-08T13:00:00+01:00'", want: []string{"inside old"}},
		{q: "createdTime >= '2026-01-08T12:00:00.000Z' and createdTime < '2026-01-09'", want: []string{"Old"}},
		{q: "(name = 'HelloWorld' or name = 'Old') and not (trashed = true)", want: []string{"HelloWorld"}},
		{q: "name = 'HelloWorld' OR name = 'Old' AND trashed = false", want: []string{"HelloWorld"}},
		{q: "'me' in owners and sharedWithMe = false and 'root' in parents", want: []string{"Backups", "HelloWorld", "Old"}},
		{q: "'friend@example.com' in owners", want: []string{"shared.txt"}},
		{q: "not not starred = false and name = 'Old'", want: []string{"Old"}},

		{q: "name = 'unterminated", bad: true},
		{q: `name = 'bad \n escape'`, bad: true},
		{q: "name = unquoted", bad: true},
		{q: "name < 'x'", bad: true},
		{q: "trashed = 'false'", bad: true},
		{q: "trashed = maybe", bad: true},
		{q: "fullText contains 'x'", bad: true},
		{q: "'x' in children", bad: true},
		{q: "(name = 'x'", bad: true},
		{q: "name = 'x')", bad: true},
		{q: "name = 'x' and", bad: true},
		{q: "name = 'x' name = 'y'", bad: true},
		{q: "createdTime < 'yesterday'", bad: true},
		{q: "appProperties has { key='k' }", bad: true},
		{q: "appProperties has key='k'", bad: true},
		{q: "size > 5", bad: true},
		{q: "name ! 'x'", bad: true},
		{q: "name = \"double\"", bad: true},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			resp, body := e.do(t, req{method: "GET", path: "/drive/v3/files",
				query: jsonQuery("q", c.q, "fields", "files(name)", "pageSize", "1000")})
			if c.bad {
				ge := wantError(t, resp, body, 400, "invalid")
				if ge.Error.Errors[0].Location != "q" || ge.Error.Message != "Invalid Value" {
					t.Fatalf("%s", body)
				}
				return
			}
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			var got []string
			for _, f := range decode(t, body)["files"].([]any) {
				got = append(got, f.(map[string]any)["name"].(string))
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestParseQueryErrorsSayWhere(t *testing.T) {
	_, err := parseQuery("name = 'x' and trashed = maybe")
	if err == nil || !strings.Contains(err.Error(), "at 23") {
		t.Fatalf("err = %v", err)
	}
}

func TestNameContains(t *testing.T) {
	for _, c := range []struct {
		name, needle string
		want         bool
	}{
		{"HelloWorld", "Hello", true},
		{"HelloWorld", "World", false},
		{"say hello", "HELLO", true},
		{"backup_2026", "2026", true},
		{"x2026", "2026", false},
	} {
		if got := nameContains(c.name, c.needle); got != c.want {
			t.Errorf("nameContains(%q, %q) = %v", c.name, c.needle, got)
		}
	}
}
