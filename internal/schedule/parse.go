package schedule

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup/internal/config"
	"github.com/robfig/cron/v3"
)

// Parse reads a job's BACKUP_SCHEDULE as system cron does: five fields
// or a shorthand such as @daily, in the zone its "CRON_TZ=Zone " prefix
// names, else in loc (the job's BACKUP_NAME_TIMEZONE). A schedule that
// config.CheckSchedule accepts always parses.
func Parse(schedule string, loc *time.Location) (cron.Schedule, error) {
	if err := config.CheckSchedule(schedule); err != nil {
		return nil, err
	}
	zone, spec, _ := config.ScheduleZone(schedule)
	if zone != nil {
		loc = zone
	}
	if loc == nil {
		loc = time.Local
	}
	if fields := strings.Fields(spec); len(fields) == 5 {
		fields[4] = weekdays(fields[4])
		spec = strings.Join(fields, " ")
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", schedule, err)
	}
	ss, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("schedule %q is not a calendar schedule", schedule)
	}
	ss.Location = loc
	return ss, nil
}

// weekdays rewrites crontab's day-of-week field, where 7 is Sunday as 0
// is, for the cron library, which knows 0 to 6 only: every item but * and
// */n becomes the list of days it means. A list keeps cron's rule that a
// schedule restricting both day of month and day of week runs on either.
func weekdays(field string) string {
	var out []string
	for _, item := range strings.Split(field, ",") {
		span, step, hasStep := strings.Cut(item, "/")
		if span == "*" {
			out = append(out, item)
			continue
		}
		every := 1
		if hasStep {
			every, _ = strconv.Atoi(step)
		}
		lo, hi, isRange := strings.Cut(span, "-")
		from, to := weekday(lo), weekday(hi)
		if !isRange {
			to = from
			if hasStep {
				to = 7 // "n/step": from n to the end, as cron reads it
			}
		}
		for d := from; d <= to && every > 0; d += every {
			if s := strconv.Itoa(d % 7); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return strings.Join(out, ",")
}

// weekday is the number of a day of the week, by name or number.
func weekday(s string) int {
	for i, name := range []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
		if strings.EqualFold(s, name) {
			return i
		}
	}
	n, _ := strconv.Atoi(s)
	return n
}
