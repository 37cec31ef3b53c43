package googleauth

import "testing"

func TestCheckListenAcceptsLoopbackOnly(t *testing.T) {
	for listen, ok := range map[string]bool{
		"127.0.0.1:0": true, "127.0.0.1:8085": true, "[::1]:0": true, "localhost:8085": true, "127.1.2.3:0": true,
		"0.0.0.0:0": false, ":8085": false, "[::]:0": false, "10.0.0.5:8085": false, "myhost:8085": false, "127.0.0.1": false,
	} {
		if err := CheckListen(listen); (err == nil) != ok {
			t.Errorf("%s: %v", listen, err)
		}
	}
}
