package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultSchedule is every night at 02:00.
const DefaultSchedule = "0 2 * * *"

// cronField is one of crontab's five time fields and the values it takes.
type cronField struct {
	name     string
	min, max int
	names    []string // names for min, min+1, …: jan, feb, … or sun, mon, …
}

var cronFields = []cronField{
	{"minute", 0, 59, nil},
	{"hour", 0, 23, nil},
	{"day of month", 1, 31, nil},
	{"month", 1, 12, []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{"day of week", 0, 7, []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

// zonePrefix starts a schedule that names its own time zone, as cronie's
// and the server's scheduler read it: "CRON_TZ=Europe/Moscow 0 2 * * *".
const zonePrefix = "CRON_TZ="

// ScheduleZone splits a schedule into the time zone its CRON_TZ= prefix
// names (nil when it has none: the job's zone applies) and the schedule
// itself. A zone the system does not know is an error.
func ScheduleZone(schedule string) (loc *time.Location, rest string, err error) {
	schedule = strings.TrimSpace(schedule)
	if !strings.HasPrefix(schedule, zonePrefix) {
		return nil, schedule, nil
	}
	zone, rest, _ := strings.Cut(strings.TrimPrefix(schedule, zonePrefix), " ")
	if zone == "" || strings.EqualFold(zone, "local") {
		return nil, "", fmt.Errorf("CRON_TZ=%s names no time zone: write an IANA name such as CRON_TZ=Europe/Moscow, or leave CRON_TZ= out for the job's zone", zone)
	}
	if loc, err = time.LoadLocation(zone); err != nil {
		return nil, "", fmt.Errorf("CRON_TZ=%s is not a time zone this system knows: write an IANA name such as Europe/Moscow or UTC", zone)
	}
	return loc, strings.TrimSpace(rest), nil
}

// CheckSchedule reports what is wrong with a crontab schedule of five
// fields, each a list of *, values and ranges, with an optional /step, or
// one of cron's shorthands such as @daily; either may follow a
// "CRON_TZ=Zone " prefix.
func CheckSchedule(schedule string) error {
	_, schedule, err := ScheduleZone(schedule)
	if err != nil {
		return err
	}
	if strings.HasPrefix(schedule, "@") {
		switch strings.TrimSpace(schedule) {
		case "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly":
			return nil
		}
		return fmt.Errorf("cron knows @yearly, @monthly, @weekly, @daily and @hourly, or five fields: minute hour day month weekday, e.g. \"0 2 * * *\"")
	}
	fields := strings.Fields(schedule)
	if len(fields) != len(cronFields) {
		return fmt.Errorf("it has %d fields; cron wants 5: minute hour day month weekday, e.g. \"0 2 * * *\"", len(fields))
	}
	for i, f := range cronFields {
		for _, item := range strings.Split(fields[i], ",") {
			if err := f.check(item); err != nil {
				return fmt.Errorf("%s %q: %v", f.name, fields[i], err)
			}
		}
	}
	return nil
}

func (f cronField) check(item string) error {
	span, step, hasStep := strings.Cut(item, "/")
	if hasStep {
		if n, err := strconv.Atoi(step); err != nil || n < 1 || n > f.max {
			return fmt.Errorf("step %q is not a number from 1 to %d", step, f.max)
		}
	}
	if span == "*" {
		return nil
	}
	lo, hi, isRange := strings.Cut(span, "-")
	a, err := f.value(lo)
	if err != nil {
		return err
	}
	if !isRange {
		return nil
	}
	b, err := f.value(hi)
	if err == nil && b < a {
		err = fmt.Errorf("the range %s ends before it starts", span)
	}
	return err
}

func (f cronField) value(s string) (int, error) {
	for i, name := range f.names {
		if strings.EqualFold(s, name) {
			return f.min + i, nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < f.min || n > f.max {
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, f.min, f.max)
	}
	return n, nil
}
