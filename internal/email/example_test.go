package email

import (
	"os"
	"path/filepath"
	"testing"
)

// The example under docs/ shows what the report looks like. It is rendered
// from exampleOutcome; this test fails when a template change leaves it
// stale. Refresh it with:
//
//	DBBACKUP_WRITE_EXAMPLE=1 go test ./internal/email -run Example
func TestExampleIsUpToDate(t *testing.T) {
	_, text, html, err := Render(exampleOutcome())
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		filepath.Join("..", "..", "docs", "email-example.html"): html,
		filepath.Join("..", "..", "docs", "email-example.txt"):  text,
	}
	for path, want := range files {
		if os.Getenv("DBBACKUP_WRITE_EXAMPLE") == "1" {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v; write it with DBBACKUP_WRITE_EXAMPLE=1 go test ./internal/email -run Example", err)
		}
		if string(got) != want {
			t.Errorf("%s is stale: the templates render it differently now; refresh it with DBBACKUP_WRITE_EXAMPLE=1 go test ./internal/email -run Example", path)
		}
	}
}
