package pgtext

import "testing"

func TestJSONArrayType(t *testing.T) {
	for typ, want := range map[string]bool{"json[]": true, "jsonb[]": true, "jsonb[][]": true, "jsonb": false,
		"json": false, "integer[]": false, "public.jsonb[]": false, `"jsonb"[]`: false, "xjson[]": false} {
		if got := JSONArrayType(typ); got != want {
			t.Errorf("JSONArrayType(%q) = %v", typ, got)
		}
	}
}

func TestIsArrayLiteral(t *testing.T) {
	for v, want := range map[string]bool{"{}": true, "{1,2}": true, "[0:2]={7,8,9}": true, "[-1:0]={1,2}": true,
		"[12:12][1:1]={{1}}": true, "[]": false, "[1,2]": false, "[0]": false, "[-1]": false, "[[1]]": false,
		"": false, "[": false, "[1": false, `["a:b"]`: false} {
		if got := IsArrayLiteral([]byte(v)); got != want {
			t.Errorf("IsArrayLiteral(%q) = %v", v, got)
		}
	}
}
