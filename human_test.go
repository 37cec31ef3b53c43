package dbbackup

import "testing"

// TestHumanNumbers: the row counts and their changes read the same in the
// email and on the web pages.
func TestHumanNumbers(t *testing.T) {
	for _, tt := range []struct {
		prev, cur int64
		want      string
	}{
		{100, 100, "no change"}, {0, 5, "+5"}, {1000, 1500, "+500 (+50.0%)"}, {2240, 1020, "-1,220 (-54.5%)"},
	} {
		if got := HumanChange(tt.prev, tt.cur); got != tt.want {
			t.Errorf("HumanChange(%d, %d) = %q, want %q", tt.prev, tt.cur, got, tt.want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := HumanCount(n); got != want {
			t.Errorf("HumanCount(%d) = %q, want %q", n, got, want)
		}
	}
}
