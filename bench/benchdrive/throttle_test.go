package benchdrive

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestThrottleSharesOneRateAmongUploads sends two uploads at once through
// a 10 MB/s throttle: together they may not pass faster than the rate
// (less the one burst it allows at the start), and the handler gets every
// byte.
func TestThrottleSharesOneRateAmongUploads(t *testing.T) {
	const rate, each = 10_000_000, 1_500_000
	var mu sync.Mutex
	var got int64
	srv := httptest.NewServer(Throttle(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		mu.Lock()
		got += n
		mu.Unlock()
	}), rate))
	defer srv.Close()

	start := time.Now()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			res, err := http.Post(srv.URL+"/upload/drive/v3/files", "application/octet-stream", bytes.NewReader(make([]byte, each)))
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
		})
	}
	wg.Wait()
	took := time.Since(start)
	if got != 2*each {
		t.Fatalf("the handler read %d bytes, want %d", got, 2*each)
	}
	if least := time.Duration(float64(2*each-burst) / rate * float64(time.Second)); took < least {
		t.Fatalf("%d bytes passed in %v, want at least %v at %d B/s", 2*each, took, least, rate)
	}
}
