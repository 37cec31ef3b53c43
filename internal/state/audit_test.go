package state

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAuditLog(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, t.TempDir())
	entries := []struct {
		at                   time.Duration
		user, action, detail string
	}{
		{0, "anna", "run", "job shop"},
		{time.Minute, "ben", "user.add", "carl as viewer"},
		{2 * time.Minute, "anna", "cancel", "job shop"},
		{3 * time.Minute, "anna", "job.edit", "job crm: BACKUP_FORMATS 100%_done"},
	}
	for _, e := range entries {
		if err := s.Audit(ctx, t0.Add(e.at), e.user, e.action, e.detail); err != nil {
			t.Fatal(err)
		}
	}
	actions := func(q AuditQuery) ([]string, int) {
		t.Helper()
		got, total, err := s.AuditLog(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range got {
			out = append(out, e.Action)
		}
		return out, total
	}
	for name, c := range map[string]struct {
		q     AuditQuery
		want  []string
		total int
	}{
		"newest first":     {AuditQuery{}, []string{"job.edit", "cancel", "user.add", "run"}, 4},
		"oldest first":     {AuditQuery{Sort: "at"}, []string{"run", "user.add", "cancel", "job.edit"}, 4},
		"by user":          {AuditQuery{User: "anna"}, []string{"job.edit", "cancel", "run"}, 3},
		"by action":        {AuditQuery{Action: "cancel"}, []string{"cancel"}, 1},
		"search detail":    {AuditQuery{Search: "SHOP"}, []string{"cancel", "run"}, 2},
		"search literal %": {AuditQuery{Search: "0%_d"}, []string{"job.edit"}, 1},
		"wildcard is text": {AuditQuery{Search: "%"}, []string{"job.edit"}, 1},
		"range":            {AuditQuery{From: t0.Add(time.Minute), To: t0.Add(3 * time.Minute)}, []string{"cancel", "user.add"}, 2},
		"sort by action":   {AuditQuery{Sort: "action"}, []string{"cancel", "job.edit", "run", "user.add"}, 4},
		"page":             {AuditQuery{Offset: 1, Limit: 2}, []string{"cancel", "user.add"}, 4},
		"page past end":    {AuditQuery{Offset: 10, Limit: 2}, nil, 4},
	} {
		got, total := actions(c.q)
		if !equal(got, c.want) || total != c.total {
			t.Errorf("%s: %v (total %d), want %v (total %d)", name, got, total, c.want, c.total)
		}
	}
	got, _, _ := s.AuditLog(ctx, AuditQuery{Limit: 1})
	if len(got) != 1 || got[0].User != "anna" || got[0].Detail != "job crm: BACKUP_FORMATS 100%_done" || !got[0].At.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("entry read back as %+v", got)
	}
	if _, _, err := s.AuditLog(ctx, AuditQuery{Sort: "detail; DROP TABLE audit"}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("unknown sort: %v, want ErrBadQuery", err)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
