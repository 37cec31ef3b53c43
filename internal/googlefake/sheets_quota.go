package googlefake

import "time"

// quotaState remembers when recent requests were accepted, to apply
// Google's per-minute, per-user quotas when a test sets them.
type quotaState struct {
	writesPerMinute, readsPerMinute int
	writes, reads                   []time.Time
}

// SetSheetsQuota makes the fake enforce Google's per-user quotas: at most
// writes write requests and reads read requests in any 60 seconds of the
// server's clock (0: no limit, the default). Google's defaults are 60 and
// 60; a request over the quota gets the real 429 RESOURCE_EXHAUSTED body
// and does not count.
func (s *Server) SetSheetsQuota(writes, reads int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sheets.quota = quotaState{writesPerMinute: writes, readsPerMinute: reads}
}

func (s *Server) takeSheetsQuota(kind Kind) *Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := &s.sheets.quota
	now := s.now()
	log, limit, fail := &q.reads, q.readsPerMinute, SheetsReadRateLimited()
	if kind.sheetsWrite() {
		log, limit, fail = &q.writes, q.writesPerMinute, SheetsRateLimited()
	}
	if limit <= 0 {
		return nil
	}
	recent := (*log)[:0]
	for _, t := range *log {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	*log = recent
	if len(recent) >= limit {
		return &fail
	}
	*log = append(*log, now)
	return nil
}
