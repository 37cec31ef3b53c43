package config

import "testing"

func TestCheckSchedule(t *testing.T) {
	for _, ok := range []string{"0 2 * * *", "*/15 1-5 * * mon-fri", "30 3 1,15 jan-jun 0", "0 0 * * 7", "@daily", "@hourly", "@weekly"} {
		if err := CheckSchedule(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"61 2 * * *", "0 2 * 13 *", "0 2 * *", "0 2 * * * *", "@reboot", "@nightly", "", "0 24 * * *", "*/0 * * * *"} {
		if err := CheckSchedule(bad); err == nil {
			t.Errorf("%q is accepted", bad)
		}
	}
}
