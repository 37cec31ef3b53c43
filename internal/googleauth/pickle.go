package googleauth

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// parsePickle reads a token.pickle: a pickled
// google.oauth2.credentials.Credentials (pickle protocols 2 to 5). Only the
// three classes such a file refers to are resolved; any other class is an
// error, so a pickle never makes this program construct anything else.
// A pickle whose lengths reach past its end is refused before it is read,
// and a panic while unpickling is an error: a crafted file must fail the
// run with a report, never kill it.
func parsePickle(b []byte) (t *Token, err error) {
	if err := checkPickleBounds(b); err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			t, err = nil, fmt.Errorf("the pickle cannot be read: %v", p)
		}
	}()
	u := pickle.NewUnpickler(bytes.NewReader(b))
	u.FindClass = func(module, name string) (any, error) {
		switch module + "." + name {
		case "google.oauth2.credentials.Credentials":
			return credentialsClass{}, nil
		case "datetime.datetime":
			return callable(newDatetime), nil
		case "_codecs.encode": // protocol 2 stores bytes as _codecs.encode(str, "latin1")
			return callable(encodeLatin1), nil
		}
		return nil, fmt.Errorf("unexpected class %s.%s in the pickle", module, name)
	}
	v, err := u.Load()
	if err != nil {
		return nil, fmt.Errorf("read pickle: %w", err)
	}
	c, ok := v.(*credentials)
	if !ok || c.state == nil {
		return nil, errors.New("the pickle does not hold google.oauth2.credentials.Credentials")
	}
	get := func(key string) string { s, _ := c.state[key].(string); return s }
	t = &Token{
		Type:         "authorized_user",
		AccessToken:  get("token"),
		RefreshToken: get("_refresh_token"),
		TokenURI:     get("_token_uri"),
		ClientID:     get("_client_id"),
		ClientSecret: get("_client_secret"),
	}
	if exp, ok := c.state["expiry"].(time.Time); ok {
		t.Expiry = exp
	}
	if scopes, ok := c.state["_scopes"].(*types.List); ok {
		for _, s := range *scopes {
			if str, ok := s.(string); ok {
				t.Scopes = append(t.Scopes, str)
			}
		}
	}
	return t, nil
}

type credentialsClass struct{}

func (credentialsClass) PyNew(...any) (any, error) { return &credentials{}, nil }

// credentials receives the state dict of the pickled object.
type credentials struct{ state map[string]any }

func (c *credentials) PySetState(state any) error {
	d, ok := state.(*types.Dict)
	if !ok {
		return fmt.Errorf("credentials state is %T, not a dict", state)
	}
	c.state = map[string]any{}
	for _, e := range *d {
		if k, ok := e.Key.(string); ok {
			c.state[k] = e.Value
		}
	}
	return nil
}

type callable func(args ...any) (any, error)

func (f callable) Call(args ...any) (any, error) { return f(args...) }

// newDatetime rebuilds datetime.datetime from its pickled 10-byte form:
// year (2 bytes, big-endian), month, day, hour, minute, second,
// microsecond (3 bytes). google-auth keeps expiry as naive UTC.
func newDatetime(args ...any) (any, error) {
	if len(args) < 1 {
		return nil, errors.New("datetime without arguments")
	}
	var b []byte
	switch v := args[0].(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	}
	if len(b) != 10 {
		return nil, fmt.Errorf("datetime state of %d bytes, want 10", len(b))
	}
	usec := int(b[7])<<16 | int(b[8])<<8 | int(b[9])
	return time.Date(int(b[0])<<8|int(b[1]), time.Month(b[2]), int(b[3]), int(b[4]), int(b[5]), int(b[6]), usec*1000, time.UTC), nil
}

// encodeLatin1 is _codecs.encode(s, "latin1"): each rune is one byte.
func encodeLatin1(args ...any) (any, error) {
	if len(args) < 1 {
		return nil, errors.New("_codecs.encode without arguments")
	}
	s, _ := args[0].(string)
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, errors.New("non-latin1 text in pickled bytes")
		}
		b = append(b, byte(r))
	}
	return b, nil
}
