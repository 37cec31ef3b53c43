package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dbbackup/dbbackup"
)

// seamGlobals are what the command line's edge would fill in for
// --env-file envFile (and --job job, when given), with buffers for the
// writers.
func seamGlobals(envFile, job string) (g *globals, stdout, stderr *bytes.Buffer) {
	stdout, stderr = &bytes.Buffer{}, &bytes.Buffer{}
	g = &globals{envFile: givenString{value: envFile, given: true}, job: givenString{value: "default"},
		stdin: strings.NewReader(""), stdout: stdout, stderr: stderr}
	if job != "" {
		g.job = givenString{value: job, given: true}
	}
	return g, stdout, stderr
}

// TestRunListWithoutCobra: runList, called as a server or a test would,
// with no cobra command, prints to the writers it is given exactly what
// `dbbackup list` prints, reads the .env file it is given, and --job
// given narrows the list to that job's sets.
func TestRunListWithoutCobra(t *testing.T) {
	dir, stateDir := t.TempDir(), t.TempDir()
	id := dbbackup.SetIDAt("backup", time.Now().Add(-time.Hour), 1)
	seedSet(t, dir, id, "shop")
	other := dbbackup.SetIDAt("nightly", time.Now().Add(-2*time.Hour), 1)
	seedSet(t, dir, other, "shop")
	setJob(t, dir, other, "nightly")
	envFile := filepath.Join(t.TempDir(), "shop.env")
	os.WriteFile(envFile, []byte("DATABASE_URL=postgres://backup@127.0.0.1:5432/shop\nBACKUP_DIR="+dir+"\nSTATE_DIR="+stateDir+"\n"), 0o600)
	useSettings(t, map[string]string{"STATE_DIR": stateDir}) // the file gives the rest

	cli := runCLI(t, map[string]string{"STATE_DIR": stateDir}, "--env-file", envFile, "list")
	g, out, errOut := seamGlobals(envFile, "")
	if err := runList(context.Background(), g, listOptions{}); err != nil {
		t.Fatalf("runList: %v\n%s", err, errOut)
	}
	if cli.code != 0 || out.String() != cli.stdout || !strings.Contains(out.String(), id) {
		t.Errorf("runList printed\n%s\n`dbbackup list` (exit %d) printed\n%s%s", out, cli.code, cli.stdout, cli.stderr)
	}

	g, out, _ = seamGlobals(envFile, "default")
	if err := runList(context.Background(), g, listOptions{asJSON: true}); err != nil {
		t.Fatal(err)
	}
	var sets []setJSON
	json.Unmarshal(out.Bytes(), &sets)
	if len(sets) != 1 || sets[0].ID != id {
		t.Errorf("runList with --job default given: %+v, want only %s", sets, id)
	}

	g, _, _ = seamGlobals(filepath.Join(t.TempDir(), "missing.env"), "")
	if err := runList(context.Background(), g, listOptions{}); err == nil || !strings.Contains(err.Error(), "missing.env") {
		t.Errorf("an env file given that is not there: %v", err)
	}
}

// setJob makes the set id in dir one that job made, as its manifest says.
func setJob(t *testing.T, dir, id, job string) {
	t.Helper()
	path := filepath.Join(dir, dbbackup.ManifestName(id))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m dbbackup.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	m.Job = job
	var buf bytes.Buffer
	m.WriteTo(&buf)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRunJobsWithoutCobra: runJobs writes the jobs to the writer it is
// given, the .env's job default among them.
func TestRunJobsWithoutCobra(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "shop.env")
	os.WriteFile(envFile, []byte("DATABASE_URL=postgres://backup@127.0.0.1:5432/shop\nBACKUP_DIR="+t.TempDir()+"\nBACKUP_FORMATS=csv\n"), 0o600)
	useSettings(t, map[string]string{})
	g, out, errOut := seamGlobals(envFile, "")
	if err := runJobs(context.Background(), g, jobsOptions{asJSON: true}); err != nil {
		t.Fatalf("runJobs: %v\n%s", err, errOut)
	}
	var jobs []jobJSON
	if err := json.Unmarshal(out.Bytes(), &jobs); err != nil {
		t.Fatalf("runJobs --json: %v\n%s", err, out)
	}
	if len(jobs) != 1 || jobs[0].Name != "default" || jobs[0].Source != "env" || jobs[0].Database != "shop" ||
		strings.Join(jobs[0].Formats, ",") != "csv" {
		t.Errorf("runJobs: %+v", jobs)
	}
}
