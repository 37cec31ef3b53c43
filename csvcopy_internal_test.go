package dbbackup

import "testing"

func TestAppendCSV(t *testing.T) {
	tests := []struct {
		in     string
		single bool
		want   string
	}{
		{"plain", false, "plain"},
		{"", false, `""`},
		{"a,b", false, `"a,b"`},
		{`say "hi"`, false, `"say ""hi"""`},
		{"line\nbreak", false, "\"line\nbreak\""},
		{`\.`, true, `"\."`},
		{`\.`, false, `\.`},
		{"Привет", false, "Привет"},
	}
	for _, tt := range tests {
		if got := string(appendCSV(nil, []byte(tt.in), tt.single)); got != tt.want {
			t.Errorf("appendCSV(%q, %v) = %s, want %s", tt.in, tt.single, got, tt.want)
		}
	}
}
