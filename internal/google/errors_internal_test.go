package google

import (
	"errors"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

func TestErrorsNameTheHostNotTheWholeAddress(t *testing.T) {
	inner := &url.Error{Op: "Post", URL: "https://oauth2.googleapis.com/token", Err: syscall.ECONNRESET}
	err := &url.Error{Op: "Put", URL: "https://www.googleapis.com/upload/drive/v3/files?alt=json&uploadType=resumable&upload_id=SECRET-SESSION", Err: inner}
	got := Explain("upload x.csv", err, nil)
	msg := got.Error()
	if strings.Contains(msg, "upload_id") || strings.Contains(msg, "/drive/v3/") || strings.Contains(msg, "/token") {
		t.Errorf("message holds a whole address: %s", msg)
	}
	if !strings.Contains(msg, `Put "https://www.googleapis.com/…"`) || !strings.Contains(msg, `Post "https://oauth2.googleapis.com/…"`) ||
		!strings.HasSuffix(msg, syscall.ECONNRESET.Error()) {
		t.Errorf("message lost what happened: %s", msg)
	}
	var ue *url.Error
	if !errors.As(got, &ue) || !errors.Is(got, syscall.ECONNRESET) {
		t.Errorf("the chain is lost: %#v", got)
	}
}
