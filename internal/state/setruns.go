package state

import (
	"context"
	"fmt"
)

// SetRuns maps the id of every set a run of job ("" is
// dbbackup.DefaultJob) named to that run's id, for the Backups page to
// link each set to the run that made it. A set made twice (a retried run
// naming it again) maps to the newest run; a set of another job, or one
// this history never saw (made on another machine), is not in the map.
// One query over the runs_by_job index, however many sets are listed.
func (s *Store) SetRuns(ctx context.Context, job string) (runs map[string]int64, err error) {
	defer func() { err = s.explain(err) }()
	rows, err := s.db.QueryContext(ctx, `SELECT set_id, MAX(id) FROM runs WHERE job = ? AND set_id != '' GROUP BY set_id`, jobOrDefault(job))
	if err != nil {
		return nil, fmt.Errorf("read the runs of the sets of job %s: %w", jobOrDefault(job), err)
	}
	defer rows.Close()
	runs = map[string]int64{}
	for rows.Next() {
		var set string
		var id int64
		if err := rows.Scan(&set, &id); err != nil {
			return nil, err
		}
		runs[set] = id
	}
	return runs, rows.Err()
}
