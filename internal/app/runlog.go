package app

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dbbackup/dbbackup"
	"github.com/dbbackup/dbbackup/internal/state"
)

// MaxRunLog is how many of a run's log lines the history keeps: the last
// ones, where a failure is, so that a run that logs without end cannot
// fill the disk.
const MaxRunLog = 2000

// runLog keeps the newest lines a run logs, for its page in the history.
type runLog struct {
	max int

	mu      sync.Mutex
	lines   []state.LogLine // a ring once full: next is the oldest
	next    int
	dropped int
	attrs   bytes.Buffer // what the text handler printed of one record
}

func newRunLog(max int) *runLog { return &runLog{max: max} }

// tee returns log, writing also into k every line at info or above (and
// the debug lines log itself prints). The lines are what log prints: a
// secret it never logs is never kept.
func (k *runLog) tee(log *slog.Logger) *slog.Logger {
	attrs := slog.NewTextHandler((*attrWriter)(k), &slog.HandlerOptions{Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == slog.LevelKey || a.Key == slog.MessageKey) {
				return slog.Attr{} // kept apart in the line
			}
			return a
		}})
	return slog.New(&teeHandler{out: log.Handler(), attrs: attrs, kept: k})
}

// attrWriter receives the text handler's output; the runLog's lock is
// held around every write (teeHandler.Handle).
type attrWriter runLog

func (w *attrWriter) Write(p []byte) (int, error) { return w.attrs.Write(p) }

// add keeps one line, dropping the oldest when full.
func (k *runLog) add(l state.LogLine) {
	if len(k.lines) < k.max {
		k.lines = append(k.lines, l)
		return
	}
	k.lines[k.next] = l
	k.next = (k.next + 1) % k.max
	k.dropped++
}

// Lines returns the lines kept, oldest first, after a line that says how
// many earlier ones were left out, if any were.
func (k *runLog) Lines() []state.LogLine {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]state.LogLine, 0, len(k.lines)+1)
	ordered := append(append([]state.LogLine(nil), k.lines[k.next:]...), k.lines[:k.next]...)
	if k.dropped > 0 {
		out = append(out, state.LogLine{Time: ordered[0].Time, Level: slog.LevelWarn.String(),
			Message: fmt.Sprintf("%d earlier lines of this run are left out: the history keeps its last %d", k.dropped, k.max)})
	}
	return append(out, ordered...)
}

// teeHandler prints a record as out does, and keeps it.
type teeHandler struct {
	out, attrs slog.Handler
	kept       *runLog
}

func (h *teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelInfo || h.out.Enabled(ctx, l)
}

func (h *teeHandler) Handle(ctx context.Context, r slog.Record) error {
	var err error
	if h.out.Enabled(ctx, r.Level) {
		err = h.out.Handle(ctx, r)
	}
	k := h.kept
	k.mu.Lock()
	defer k.mu.Unlock()
	k.attrs.Reset()
	if aerr := h.attrs.Handle(ctx, r); aerr != nil {
		return err
	}
	msg := r.Message
	if a := strings.TrimSpace(k.attrs.String()); a != "" {
		msg += " " + a
	}
	k.add(state.LogLine{Time: r.Time, Level: r.Level.String(), Message: msg})
	return err
}

func (h *teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &teeHandler{out: h.out.WithAttrs(as), attrs: h.attrs.WithAttrs(as), kept: h.kept}
}

func (h *teeHandler) WithGroup(name string) slog.Handler {
	return &teeHandler{out: h.out.WithGroup(name), attrs: h.attrs.WithGroup(name), kept: h.kept}
}

// keep stores the lines kept with run id in history; a run not recorded
// (id 0, no history) keeps none. A log that cannot be kept costs the
// log, never the run: log says why.
func (k *runLog) keep(ctx context.Context, history dbbackup.History, id int64, log *slog.Logger) {
	s, ok := history.(*state.Store)
	if !ok || id == 0 {
		return
	}
	// The run's own context may be over (cancelled, timed out): its log
	// is kept all the same.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := s.AddRunLog(ctx, id, k.Lines()); err != nil {
		log.Warn("could not keep the run's log lines in the history", "run", id, "err", err)
	}
}
