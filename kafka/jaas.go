package kafka

import (
	"fmt"
	"strings"
)

// jaasConfig is the parsed form of a sasl.jaas.config value:
//
//	org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="secret";
type jaasConfig struct {
	module  string
	options map[string]string
}

// parseJAAS parses one JAAS login-module entry as Kafka's Java clients accept
// it in sasl.jaas.config: a module class, a control flag, key=value options
// with optionally double-quoted values, and a closing semicolon.
func parseJAAS(s string) (jaasConfig, error) {
	p := jaasParser{s: s}
	module := p.token()
	if module == "" {
		return jaasConfig{}, fmt.Errorf("expected a login module class name")
	}
	switch flag := p.token(); strings.ToLower(flag) {
	case "required", "requisite", "sufficient", "optional":
	default:
		return jaasConfig{}, fmt.Errorf("expected a control flag (required, requisite, sufficient, optional) after %s, got %q", module, flag)
	}
	cfg := jaasConfig{module: module, options: make(map[string]string)}
	for {
		p.skipSpace()
		if p.eof() {
			return jaasConfig{}, fmt.Errorf("missing the closing ';'")
		}
		if p.peek() == ';' {
			p.i++
			p.skipSpace()
			if !p.eof() {
				return jaasConfig{}, fmt.Errorf("only one login module is allowed, found more after ';'")
			}
			return cfg, nil
		}
		key := p.token()
		p.skipSpace()
		if key == "" || p.eof() || p.peek() != '=' {
			return jaasConfig{}, fmt.Errorf("expected key=value near %q", p.rest())
		}
		p.i++
		p.skipSpace()
		val, err := p.value()
		if err != nil {
			return jaasConfig{}, err
		}
		cfg.options[key] = val
	}
}

type jaasParser struct {
	s string
	i int
}

func (p *jaasParser) eof() bool    { return p.i >= len(p.s) }
func (p *jaasParser) peek() byte   { return p.s[p.i] }
func (p *jaasParser) rest() string { return p.s[p.i:] }

func (p *jaasParser) skipSpace() {
	for !p.eof() && strings.IndexByte(" \t\r\n", p.peek()) >= 0 {
		p.i++
	}
}

// token reads a run of characters up to white space, '=' or ';'.
func (p *jaasParser) token() string {
	p.skipSpace()
	start := p.i
	for !p.eof() && strings.IndexByte(" \t\r\n=;", p.peek()) < 0 {
		p.i++
	}
	return p.s[start:p.i]
}

// value reads a double-quoted string (with backslash escapes) or a bare token.
func (p *jaasParser) value() (string, error) {
	if p.eof() || p.peek() != '"' {
		return p.token(), nil
	}
	p.i++
	var b strings.Builder
	for !p.eof() {
		c := p.peek()
		p.i++
		switch c {
		case '"':
			return b.String(), nil
		case '\\':
			if p.eof() {
				return "", fmt.Errorf("unterminated escape in quoted value")
			}
			b.WriteByte(p.peek())
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated quoted value")
}
