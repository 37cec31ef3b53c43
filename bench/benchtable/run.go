package benchtable

import (
	"os"
	"os/exec"
	"path/filepath"
)

// RunCommand is `dbbackup run` of b's database as every benchmark runs it,
// so that the programs under bench/ time the same thing: the empty .env,
// the log quiet, the run history in the scratch folder rather than in
// ./data of the working directory, and no restore test (BACKUP_VERIFY=never:
// by default the first run of a job restores its set into a throwaway
// database, and that would count in the first run's time). kv (NAME=value)
// come last and win.
func (b *Bench) RunCommand(kv ...string) *exec.Cmd {
	cmd := exec.Command(b.Bin, "run", "--env-file", b.EnvFile)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+b.URL, "LOG_LEVEL=warn",
		"STATE_DIR="+filepath.Join(b.Work, "state"), "BACKUP_VERIFY=never")
	cmd.Env = append(cmd.Env, kv...)
	return cmd
}
