package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup/internal/postgres"
)

// scratchPrefix begins the name of every restore test's database.
const scratchPrefix = "dbbackup_verify_"

// scratchStamp is the layout of the UTC time a scratch database is made
// at, in its name: PostgreSQL keeps no database's creation time.
const scratchStamp = "20060102_150405"

// scratchNamed matches the names scratchName makes, the time in them
// its first group.
var scratchNamed = regexp.MustCompile(`^` + scratchPrefix + `.*_(\d{8}_\d{6})_[0-9a-f]{8}$`)

// scratchName names a restore test's database made at now: the job, the
// time (UTC), and a random part so that two tests never meet. It stays
// within PostgreSQL's 63 bytes, which would cut it silently.
func scratchName(job string, now time.Time) string {
	b := make([]byte, 4)
	rand.Read(b)
	job = strings.NewReplacer("-", "_").Replace(job)
	if len(job) > 22 {
		job = job[:22]
	}
	return scratchPrefix + job + "_" + now.UTC().Format(scratchStamp) + "_" + hex.EncodeToString(b)
}

// scratchMade is when the database name was made, as scratchName wrote
// it; ok is false for any name scratchName did not make.
func scratchMade(name string) (made time.Time, ok bool) {
	m := scratchNamed.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}, false
	}
	made, err := time.Parse(scratchStamp, m[1])
	return made, err == nil
}

// sweepScratches drops, on admin's server, the databases of restore tests
// that were killed half way (each holds a copy of a backup's data): those
// named by scratchName, made more than bound (BACKUP_TIMEOUT, the longest
// a run may take) before now, and that nobody is connected to. Each one
// dropped is logged. A sweep that fails is a warning: the test goes on.
func sweepScratches(ctx context.Context, admin string, bound time.Duration, now time.Time, log *slog.Logger) {
	idle, err := postgres.IdleScratches(ctx, admin, scratchPrefix)
	if err != nil {
		log.Warn("could not look for the databases of restore tests that were stopped", "err", err)
		return
	}
	for _, s := range idle {
		made, ok := scratchMade(s.Name)
		if !ok || now.Sub(made) <= bound {
			continue
		}
		if err := s.Drop(ctx); err != nil {
			log.Warn("could not drop the database a stopped restore test left", "database", s.Name, "err", err)
			continue
		}
		log.Info("dropped the database a stopped restore test left", "database", s.Name, "made", made)
	}
}
