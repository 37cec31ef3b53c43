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

// BenchmarkAppendCSV appends values shaped as the benchmark table's (ids,
// names, amounts, timestamps, a few needing quotes): the cost per value
// of deciding on quotes.
//
//	go test -run '^$' -bench AppendCSV .
func BenchmarkAppendCSV(b *testing.B) {
	values := [][]byte{
		[]byte("1234567"), []byte("customer 1234567"), []byte("12345.67"),
		[]byte("2026-02-10 02:00:00+00"), []byte("t"), []byte(`note, with "quotes"`),
		[]byte("Привет, мир"), []byte("3.141592653589793"), []byte("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), []byte(""),
	}
	var n int
	for _, v := range values {
		n += len(v)
	}
	b.SetBytes(int64(n))
	line := make([]byte, 0, 1024)
	for b.Loop() {
		line = line[:0]
		for _, v := range values {
			line = appendCSV(line, v, false)
		}
	}
}
