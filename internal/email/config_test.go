package email

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/dbbackup/dbbackup"
)

func TestNewChecksConfig(t *testing.T) {
	ok := Config{To: recipients, From: "dbbackup@shop.example"}
	tests := []struct {
		name   string
		change func(*Config)
		badVar string
	}{
		{"defaults", func(*Config) {}, ""},
		{"local relay without TLS may log in", func(c *Config) { c.TLS, c.Username = TLSNone, "backup" }, ""},
		{"port", func(c *Config) { c.Port = 70000 }, "SMTP_PORT"},
		{"tls mode", func(c *Config) { c.TLS = "ssl" }, "SMTP_TLS"},
		{"on", func(c *Config) { c.On = "sometimes" }, "EMAIL_ON"},
		{"no recipient", func(c *Config) { c.To = nil }, "EMAIL_TO"},
		{"bad recipient", func(c *Config) { c.To = []string{"owner@shop.example", "not an address"} }, "EMAIL_TO"},
		{"bad sender", func(c *Config) { c.From = "dbbackup@" }, "EMAIL_FROM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.change(&cfg)
			n, err := New(cfg, slog.New(slog.DiscardHandler))
			var ce *dbbackup.ConfigError
			switch {
			case tt.badVar == "" && err != nil:
				t.Fatal(err)
			case tt.badVar != "" && (!errors.As(err, &ce) || ce.Var != tt.badVar || ce.Hint == ""):
				t.Fatalf("New: %v, want a ConfigError with a hint about %s", err, tt.badVar)
			}
			if tt.name == "defaults" {
				if n.cfg.Host != "localhost" || n.Addr() != "localhost:25" || n.cfg.On != Always || n.cfg.Timeout <= 0 {
					t.Errorf("defaults: %+v", n.cfg)
				}
			}
		})
	}
	n, err := New(Config{To: recipients, TLS: TLSImplicit, Host: "::1"}, slog.New(slog.DiscardHandler))
	if err != nil || n.Addr() != "[::1]:465" || n.cfg.From == "" {
		t.Errorf("implicit TLS on ::1: %v, addr %s, from %q", err, n.Addr(), n.cfg.From)
	}
}
