package dbbackup_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

func TestVerifyFindsDamagedAndMissingFiles(t *testing.T) {
	r, dest := newRunner(t)
	rep, err := r.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	set := func() dbbackup.Set {
		files, _ := dest.List(context.Background())
		return dbbackup.Sets(files, time.UTC)[0]
	}
	checks, err := dbbackup.Verify(context.Background(), dest, set())
	if err != nil || len(checks) != 2 || checks[0].Problem != "" || checks[1].Problem != "" {
		t.Fatalf("a good set: %v %+v", err, checks)
	}
	csv := filepath.Join(dest.Path(), rep.SetID+".csv")
	b, _ := os.ReadFile(csv)
	b[0] ^= 1 // one bit flipped on the disk
	os.Chmod(csv, 0o640)
	os.WriteFile(csv, b, 0o640)
	os.Remove(filepath.Join(dest.Path(), rep.SetID+".json"))
	checks, err = dbbackup.Verify(context.Background(), dest, set())
	if err != nil || !strings.Contains(checks[0].Problem, "SHA-256 differs") || checks[1].Problem != "missing" {
		t.Fatalf("a damaged set: %v %+v", err, checks)
	}
}
