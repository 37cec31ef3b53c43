// Package e2e drives `dbbackup serve` with a real headless Chromium, as a
// person would: the journey the web UI is for, from logging in to logging
// out, against real PostgreSQL and the fake Google (internal/googlefake).
//
// It needs Debian's chromium (.ci/run installs it) and skips, saying so,
// only when no Chromium binary exists. DBBACKUP_WRITE_SCREENSHOTS=1 saves
// a screenshot of each page under docs/screenshots/ for the README.
package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumNames are the browsers the test drives: Debian's chromium, the
// one .ci/run installs, so that what runs here is what runs in CI.
var chromiumNames = []string{"chromium"}

// findChromium returns the path of a Chromium binary, or skips t.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skipf("no Chromium on PATH (looked for %s): install Debian's chromium to run the browser tests (.ci/run does)",
		strings.Join(chromiumNames, ", "))
	return ""
}

// browser is one headless Chromium tab, with what its pages printed to the
// console kept: an error there (a script the CSP blocked, an htmx request
// that failed) fails the test.
type browser struct {
	t       *testing.T
	ctx     context.Context
	mu      sync.Mutex
	console []string // errors and exceptions, as "URL: text"
}

// newBrowser starts Chromium for t, with a window of width×height pixels,
// and stops it when t ends. Every action of the returned tab is bounded by
// the deadline of t (go test -timeout), not by a guess of our own.
func newBrowser(t *testing.T, width, height int) *browser {
	t.Helper()
	path := findChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the tests may run as root, whom Chromium's sandbox refuses
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		// Nothing but the page under test: a closed network refuses
		// Chromium's own background connections, many at a time.
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-US"),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	b := &browser{t: t, ctx: ctx}
	go b.watchConsole()
	return b
}

// watchConsole keeps the console's errors and uncaught exceptions until
// the tab closes.
func (b *browser) watchConsole() {
	for m, err := range chromedp.Console(b.ctx) {
		if err != nil {
			return
		}
		if m.Type == chromedp.ConsoleError || m.IsException() {
			b.mu.Lock()
			b.console = append(b.console, m.String()+" ("+m.URL+")")
			b.mu.Unlock()
		}
	}
}

// consoleErrors returns what the pages reported as errors so far, and
// forgets them.
func (b *browser) consoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	errs := b.console
	b.console = nil
	return errs
}

// do runs steps in the tab, failing the test with what (a step's name)
// when one fails.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.location())
	}
}

// text is the visible text of the first element sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v (page %s)", sel, err, b.location())
	}
	return s
}

// location is the tab's address, for messages.
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown"
	}
	return u
}

// waitFor evaluates expr (JavaScript) in the page until it is true, and
// fails the test with what when it is not true within limit. An error
// while the page navigates (the document goes away under the evaluation)
// counts as not yet: that is what a click on a link or a form does.
func (b *browser) waitFor(what, expr string, limit time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(limit)
	var last error
	for {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if b.ctx.Err() != nil {
			b.t.Fatalf("wait for %s: %v", what, b.ctx.Err())
		}
		last = err
		if time.Now().After(deadline) {
			b.t.Fatalf("wait for %s: not within %s (last error: %v; page %s)", what, limit, last, b.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// screenshotDir is where pictures of the pages go for the README, or ""
// when they are not to be written (the default: CI must not rewrite files).
func screenshotDir(t *testing.T) string {
	if os.Getenv("DBBACKUP_WRITE_SCREENSHOTS") == "" {
		return ""
	}
	dir, err := filepath.Abs(filepath.Join("..", "docs", "screenshots"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves the whole page as docs/screenshots/name.png when
// DBBACKUP_WRITE_SCREENSHOTS is set.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := screenshotDir(b.t)
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
