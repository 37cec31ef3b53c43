package localdir_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/destinationtest"
	"github.com/dbbackup/dbbackup/internal/localdir"
)

func TestContract(t *testing.T) {
	destinationtest.Run(t, func(t *testing.T) dbbackup.Destination {
		d, err := localdir.New(filepath.Join(t.TempDir(), "backups"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			// Nothing the contract did may leave a temporary file behind.
			entries, _ := os.ReadDir(d.Path())
			for _, e := range entries {
				if e.Name()[0] == '.' {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
		return d
	})
}

func TestRefusesPathsOutsideTheFolder(t *testing.T) {
	d, err := localdir.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"../x", "a/b", ".hidden", "", `a\b`} {
		if _, err := d.Open(context.Background(), dbbackup.File{ID: name}); err == nil {
			t.Errorf("Open(%q) succeeded", name)
		}
		if err := d.Delete(context.Background(), dbbackup.File{ID: name}); err == nil {
			t.Errorf("Delete(%q) succeeded", name)
		}
	}
}
