package sheets

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/dbbackup/dbbackup/internal/retry"
	"google.golang.org/api/option"
	sheets "google.golang.org/api/sheets/v4"
)

// Options are what every sync of one Google account shares.
type Options struct {
	// HTTPClient carries the OAuth token (google.Client.HTTP).
	HTTPClient *http.Client
	// Endpoint is the API root (GOOGLE_API_ENDPOINT); empty for Google's.
	Endpoint string
	// Unauthorized, if set, is called when Google answers 401 (with
	// google.Client.Invalidate); the call is then retried.
	Unauthorized func()
	// Account is the email of the token's account, named when it may not
	// edit a spreadsheet; empty: "the account of GOOGLE_TOKEN_FILE".
	Account string
	// WritesPerMinute paces write requests (default 60, Google's quota per
	// user): no minute holds more of them, across every sync of the Syncer.
	WritesPerMinute int
	// quotaWindow is the pacing's minute; tests shorten it.
	quotaWindow time.Duration
	// Retry is how failed calls are retried (zero: retry.DefaultPolicy);
	// a sync that runs out of tries fails.
	Retry retry.Policy
	// StatementTimeout bounds each statement of the source's read-only
	// transaction (default 10 minutes).
	StatementTimeout time.Duration
	// Log receives retries and warnings (nil: none).
	Log *slog.Logger
	// Now is the clock of the sync note (nil: time.Now).
	Now func() time.Time
}

// DefaultWritesPerMinute is Google's default quota of write requests per
// minute per user.
const DefaultWritesPerMinute = 60

// Syncer runs syncs with one Google account. Make one per account and
// share it between the syncs that run at once: its pacing keeps all of
// them under the account's quota together.
type Syncer struct {
	svc  *sheets.Service
	pace *pacer
	o    Options
}

// New makes a Syncer; it makes no call yet.
func New(ctx context.Context, o Options) (*Syncer, error) {
	if o.WritesPerMinute <= 0 {
		o.WritesPerMinute = DefaultWritesPerMinute
	}
	if o.Retry.Tries == 0 {
		o.Retry = retry.DefaultPolicy
	}
	if o.quotaWindow <= 0 {
		o.quotaWindow = quotaWindow
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 10 * time.Minute
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	opts := []option.ClientOption{option.WithHTTPClient(o.HTTPClient)}
	if o.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(strings.TrimSuffix(o.Endpoint, "/")+"/"))
	}
	svc, err := sheets.NewService(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("google sheets client: %w", err)
	}
	return &Syncer{svc: svc, pace: &pacer{limit: o.WritesPerMinute, window: o.quotaWindow}, o: o}, nil
}

// account names the token's account in messages.
func (s *Syncer) account() string {
	if s.o.Account != "" {
		return "the Google account " + s.o.Account
	}
	return "the Google account of GOOGLE_TOKEN_FILE"
}

// Account names the token's account as messages do: "the Google account
// EMAIL", or of GOOGLE_TOKEN_FILE when its email is unknown.
func (s *Syncer) Account() string { return s.account() }
