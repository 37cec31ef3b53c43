package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtest"
)

// TestPlantedLinksAreRefused plants links in BACKUP_DIR where the run
// makes its staging folder and its lock: the run refuses them as a setting
// problem and the files they point to survive.
func TestPlantedLinksAreRefused(t *testing.T) {
	url := pgtest.NewDatabase(t, ordersSQL)
	tests := []struct {
		name  string
		plant string // the name in BACKUP_DIR made a link
		want  string
	}{
		{"staging folder", stagingDirName, "is a symbolic link"},
		{"lock", ".dbbackup.lock", "is a symbolic link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, elsewhere := t.TempDir(), t.TempDir()
			bystander := filepath.Join(elsewhere, "thesis.txt")
			if err := os.WriteFile(bystander, []byte("years of work"), 0o644); err != nil {
				t.Fatal(err)
			}
			target := elsewhere
			if tt.plant == ".dbbackup.lock" {
				target = bystander
			}
			if err := os.Symlink(target, filepath.Join(dir, tt.plant)); err != nil {
				t.Fatal(err)
			}
			res := runCLI(t, map[string]string{"DATABASE_URL": url, "BACKUP_DIR": dir, "BACKUP_FORMATS": "csv"}, "run")
			if res.code != exitConfig || !strings.Contains(res.stderr, "BACKUP_DIR") || !strings.Contains(res.stderr, tt.want) ||
				!strings.Contains(res.stderr, "Try: remove the link") && !strings.Contains(res.stderr, "Try: remove it") {
				t.Fatalf("exit %d, want %d naming BACKUP_DIR with a hint:\n%s", res.code, exitConfig, res.stderr)
			}
			if b, err := os.ReadFile(bystander); err != nil || string(b) != "years of work" {
				t.Fatalf("the file the link pointed to: %q %v", b, err)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != tt.plant && e.Name() != ".dbbackup.lock" {
					t.Errorf("the refused run left %s", e.Name())
				}
			}
		})
	}
}
