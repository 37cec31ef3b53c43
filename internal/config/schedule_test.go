package config

import "testing"

func TestCheckSchedule(t *testing.T) {
	for _, ok := range []string{"0 2 * * *", "*/15 1-5 * * mon-fri", "30 3 1,15 jan-jun 0", "0 0 * * 7", "@daily", "@hourly", "@weekly",
		"CRON_TZ=Europe/Moscow 0 2 * * *", "CRON_TZ=UTC @daily", " CRON_TZ=America/New_York  30 1 * * 1-5"} {
		if err := CheckSchedule(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"61 2 * * *", "0 2 * 13 *", "0 2 * *", "0 2 * * * *", "@reboot", "@nightly", "", "0 24 * * *", "*/0 * * * *",
		"CRON_TZ=Mars/Olympus 0 2 * * *", "CRON_TZ= 0 2 * * *", "CRON_TZ=UTC", "CRON_TZ=UTC 0 2 * *", "CRON_TZ=Local 0 2 * * *", "TZ=UTC 0 2 * * *"} {
		if err := CheckSchedule(bad); err == nil {
			t.Errorf("%q is accepted", bad)
		}
	}
}
