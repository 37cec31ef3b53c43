package xlsx

import (
	"testing"

	"github.com/dbbackup/dbbackup/internal/pgtext"
)

// TestTheLastInstantsOfYear9999: Excel's last date is 9999-12-31; a time
// on it that its millisecond format would round to the next day is text.
func TestTheLastInstantsOfYear9999(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"9999-12-31 00:00:00", true},
		{"9999-12-31 23:59:59", true},
		{"9999-12-31 23:59:59.999", true},
		{"9999-12-31 23:59:59.9996", false},
		{"9999-12-31 23:59:59.999999", false},
		{"1900-03-01 00:00:00", true},
	} {
		ts, err := pgtext.ParseTimestamp([]byte(tc.value))
		if err != nil {
			t.Fatalf("%s: %v", tc.value, err)
		}
		if _, ok := dateSerial(ts); ok != tc.ok {
			t.Errorf("%s: a date cell %v, want %v", tc.value, ok, tc.ok)
		}
	}
}
