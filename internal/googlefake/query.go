package googlefake

import (
	"fmt"
	"strings"
	"time"
)

// The files.list `q` language, as far as a backup tool needs it:
//
//	expr  = and {"or" and}
//	and   = unary {"and" unary}
//	unary = "not" unary | "(" expr ")" | cond
//	cond  = STRING "in" ("parents" | "owners" | "writers" | "readers")
//	      | ("appProperties" | "properties") "has" "{" "key" "=" STRING "and" "value" "=" STRING "}"
//	      | ("name" | "mimeType") ("contains" | "=" | "!=") STRING
//	      | ("trashed" | "starred" | "sharedWithMe") ("=" | "!=") ("true" | "false")
//	      | ("createdTime" | "modifiedTime") ("<" | "<=" | "=" | "!=" | ">" | ">=") STRING
//
// Strings are single-quoted; \' and \\ are the only escapes. Keywords are
// case-insensitive, field names are not. Anything else (fullText, say) is a
// parse error, which the handler answers as Drive does: 400 "Invalid Value"
// with location q.

type tokKind int

const (
	tEOF tokKind = iota
	tString
	tWord
	tOp
	tPunct
)

type token struct {
	kind tokKind
	text string // unescaped for tString
	pos  int
}

func lexQuery(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '\''; j++ {
				if s[j] == '\\' {
					if j+1 >= len(s) || (s[j+1] != '\'' && s[j+1] != '\\') {
						return nil, fmt.Errorf("bad escape at %d", j)
					}
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			toks = append(toks, token{tString, b.String(), i})
			i = j + 1
		case strings.ContainsRune("(){}", rune(c)):
			toks = append(toks, token{tPunct, string(c), i})
			i++
		case c == '=' || c == '<' || c == '>' || c == '!':
			op := string(c)
			if i+1 < len(s) && s[i+1] == '=' {
				op += "="
			}
			if op == "!" {
				return nil, fmt.Errorf("lone ! at %d", i)
			}
			toks = append(toks, token{tOp, op, i})
			i += len(op)
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			toks = append(toks, token{tWord, s[i:j], i})
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at %d", c, i)
		}
	}
	return append(toks, token{kind: tEOF, pos: len(s)}), nil
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

type queryParser struct {
	toks []token
	pos  int
}

// parseQuery returns the condition q stands for; an empty q is nil, which
// matches everything.
func parseQuery(q string) (node, error) {
	if strings.TrimSpace(q) == "" {
		return nil, nil
	}
	toks, err := lexQuery(q)
	if err != nil {
		return nil, err
	}
	p := &queryParser{toks: toks}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fmt.Errorf("unexpected %q at %d", t.text, t.pos)
	}
	return n, nil
}

func (p *queryParser) peek() token { return p.toks[p.pos] }

func (p *queryParser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

// keyword consumes the word w (any case) if it comes next.
func (p *queryParser) keyword(w string) bool {
	if t := p.peek(); t.kind == tWord && strings.EqualFold(t.text, w) {
		p.pos++
		return true
	}
	return false
}

func (p *queryParser) expect(kind tokKind, text string) (token, error) {
	t := p.next()
	if t.kind != kind || (text != "" && !strings.EqualFold(t.text, text)) {
		if text == "" {
			text = [...]string{"end", "string", "word", "operator", "punctuation"}[kind]
		}
		return t, fmt.Errorf("expected %s at %d, found %q", text, t.pos, t.text)
	}
	return t, nil
}

func (p *queryParser) or() (node, error) {
	n, err := p.and()
	for err == nil && p.keyword("or") {
		var r node
		if r, err = p.and(); err == nil {
			n = orNode{n, r}
		}
	}
	return n, err
}

func (p *queryParser) and() (node, error) {
	n, err := p.unary()
	for err == nil && p.keyword("and") {
		var r node
		if r, err = p.unary(); err == nil {
			n = andNode{n, r}
		}
	}
	return n, err
}

func (p *queryParser) unary() (node, error) {
	if p.keyword("not") {
		n, err := p.unary()
		return notNode{n}, err
	}
	if t := p.peek(); t.kind == tPunct && t.text == "(" {
		p.pos++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		_, err = p.expect(tPunct, ")")
		return n, err
	}
	return p.cond()
}

func (p *queryParser) cond() (node, error) {
	t := p.next()
	if t.kind == tString {
		if _, err := p.expect(tWord, "in"); err != nil {
			return nil, err
		}
		f := p.next()
		switch f.text {
		case "parents", "owners", "writers", "readers":
			return inNode{value: t.text, field: f.text}, nil
		}
		return nil, fmt.Errorf("cannot use 'in' with %q at %d", f.text, f.pos)
	}
	if t.kind != tWord {
		return nil, fmt.Errorf("expected a field at %d, found %q", t.pos, t.text)
	}
	field := t.text
	switch field {
	case "appProperties", "properties":
		return p.has(field)
	case "name", "mimeType", "trashed", "starred", "sharedWithMe", "createdTime", "modifiedTime":
	default:
		return nil, fmt.Errorf("unsupported field %q at %d", field, t.pos)
	}
	if p.keyword("contains") {
		if field != "name" && field != "mimeType" {
			return nil, fmt.Errorf("cannot use contains with %s", field)
		}
		v, err := p.expect(tString, "")
		return cmpNode{field: field, op: "contains", s: v.text}, err
	}
	op, err := p.expect(tOp, "")
	if err != nil {
		return nil, err
	}
	return p.comparison(field, op)
}

// comparison parses the value of field op … and checks op suits field.
func (p *queryParser) comparison(field string, op token) (node, error) {
	c := cmpNode{field: field, op: op.text}
	equality := op.text == "=" || op.text == "!="
	v := p.next()
	switch field {
	case "trashed", "starred", "sharedWithMe":
		if !equality || v.kind != tWord || (!strings.EqualFold(v.text, "true") && !strings.EqualFold(v.text, "false")) {
			return nil, fmt.Errorf("%s takes = or != and true or false, at %d", field, op.pos)
		}
		c.b = strings.EqualFold(v.text, "true")
	case "createdTime", "modifiedTime":
		if v.kind != tString {
			return nil, fmt.Errorf("%s needs a quoted RFC 3339 time at %d", field, v.pos)
		}
		t, err := parseQueryTime(v.text)
		if err != nil {
			return nil, err
		}
		c.t = t
	default:
		if !equality || v.kind != tString {
			return nil, fmt.Errorf("%s takes = or != and a string, at %d", field, op.pos)
		}
		c.s = v.text
	}
	return c, nil
}

func (p *queryParser) has(field string) (node, error) {
	var key, value token
	steps := []func() error{
		func() error { _, err := p.expect(tWord, "has"); return err },
		func() error { _, err := p.expect(tPunct, "{"); return err },
		func() error { _, err := p.expect(tWord, "key"); return err },
		func() error { _, err := p.expect(tOp, "="); return err },
		func() (err error) { key, err = p.expect(tString, ""); return err },
		func() error { _, err := p.expect(tWord, "and"); return err },
		func() error { _, err := p.expect(tWord, "value"); return err },
		func() error { _, err := p.expect(tOp, "="); return err },
		func() (err error) { value, err = p.expect(tString, ""); return err },
		func() error { _, err := p.expect(tPunct, "}"); return err },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return hasNode{field: field, key: key.text, value: value.text}, nil
}

// parseQueryTime reads RFC 3339; without a zone the time is UTC.
func parseQueryTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q", s)
}
