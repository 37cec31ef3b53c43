package pgtext

import (
	"bytes"
	"testing"
)

func TestDecodeBytea(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{`\x`, []byte{}},
		{`\x00ff`, []byte{0x00, 0xff}},
		{`\x48656c6c6f`, []byte("Hello")},
		{`\xDEADbeef`, []byte{0xde, 0xad, 0xbe, 0xef}},
	}
	for _, tt := range tests {
		got, err := DecodeBytea([]byte(tt.in))
		if err != nil || got == nil || !bytes.Equal(got, tt.want) {
			t.Errorf("DecodeBytea(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{``, `\`, `x00`, `\x0`, `\x0g`, `\000`, `abc`} {
		if got, err := DecodeBytea([]byte(in)); err == nil {
			t.Errorf("DecodeBytea(%q) = %#v, want an error", in, got)
		}
	}
}

func TestAppendByteaReusesBuffer(t *testing.T) {
	in := []byte(`\x0102030405`)
	buf := make([]byte, 0, 16)
	n := testing.AllocsPerRun(100, func() {
		var err error
		if buf, err = AppendBytea(buf[:0], in); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 || !bytes.Equal(buf, []byte{1, 2, 3, 4, 5}) {
		t.Errorf("%v allocations, result %v", n, buf)
	}
}

func TestIsFiniteNumber(t *testing.T) {
	finite := []string{"0", "-0", "1", "-9223372036854775808", "9223372036854775807",
		"123456789012345678901234567890.123456", "0.000001", "-0.5", "1e+100", "1.5e-07",
		"1E5", "2.5e10", "1.7976931348623157e+308", "5e-324"}
	for _, s := range finite {
		if !IsFiniteNumber([]byte(s)) {
			t.Errorf("IsFiniteNumber(%q) = false", s)
		}
	}
	notFinite := []string{"", "-", "NaN", "Infinity", "-Infinity", "+1", "01", ".5", "5.",
		"1e", "1e+", "--1", "1.2.3", "0x10", " 1", "1 ", "1,5", "inf", "nan"}
	for _, s := range notFinite {
		if IsFiniteNumber([]byte(s)) {
			t.Errorf("IsFiniteNumber(%q) = true", s)
		}
	}
}
