// Package jaas parses JAAS login configuration as Java writes it, in its two
// forms: a login configuration file of named sections (what
// java.security.auth.login.config names, for BASIC authentication), and the
// single login module of Kafka's sasl.jaas.config.
//
//	KafkaRest {
//	    org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required
//	    file="/etc/kafka-rest/password.properties";
//	};
//
//	org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="secret";
//
// Values are bare words or quoted with " or ', with Java's backslash escapes
// (\n, \t, octal, and \x for any other x). Comments are // and /* */, as in
// Java, and # to the end of the line.
package jaas

import (
	"fmt"
	"strings"
)

// Entry is one login module: its class, its control flag and its options.
type Entry struct {
	// Module is the login module's class name, as written.
	Module string
	// Flag is required, requisite, sufficient or optional, in lower case.
	Flag string
	// Options are the module's key=value options; a key given twice
	// keeps its last value, as in Java.
	Options map[string]string
}

// ParseFile parses a login configuration file: sections
// "Name { module flag key=value ...; ... };", by name. A section may hold
// several login modules; a name may appear only once, as in Java.
func ParseFile(src string) (map[string][]Entry, error) {
	p := newParser(src)
	out := make(map[string][]Entry)
	for {
		name, err := p.next()
		if err != nil {
			return nil, p.fileError(err)
		}
		if name.kind == eof {
			return out, nil
		}
		open, err := p.next()
		if err != nil {
			return nil, p.fileError(err)
		}
		if name.kind != word || open.text != "{" || open.kind != punct {
			return nil, p.fileError(fmt.Errorf("expected a section name and '{' at %q", name.text))
		}
		if _, dup := out[name.text]; dup {
			return nil, p.fileError(fmt.Errorf("section %s appears twice: put all its login modules in one section", name.text))
		}
		entries, end, err := p.entries()
		if err != nil {
			return nil, p.fileError(fmt.Errorf("section %s: %w", name.text, err))
		}
		if end.kind == eof {
			return nil, p.fileError(fmt.Errorf("section %s is not closed with '}'", name.text))
		}
		out[name.text] = entries
		// Java wants "};"; a missing ';' is forgiven.
		if t, err := p.peek(); err == nil && t.kind == punct && t.text == ";" {
			_, _ = p.next()
		}
	}
}

// ParseEntry parses the one login module of a sasl.jaas.config value:
// "module flag key=value ...;".
func ParseEntry(src string) (Entry, error) {
	p := newParser(src)
	entries, end, err := p.entries()
	if err != nil {
		return Entry{}, err
	}
	if end.kind != eof {
		return Entry{}, fmt.Errorf("unexpected %q: a login module is \"module flag key=value ...;\"", end.text)
	}
	switch len(entries) {
	case 0:
		return Entry{}, fmt.Errorf("expected a login module class name")
	case 1:
		return entries[0], nil
	}
	return Entry{}, fmt.Errorf("only one login module is allowed here, found %d", len(entries))
}

type kind int

const (
	eof   kind = iota
	word       // a bare word
	str        // a quoted string, unquoted
	punct      // { } ; =
)

type token struct {
	kind kind
	text string
	line int
}

type parser struct {
	src    string
	i      int
	line   int
	peeked *token
}

func newParser(src string) *parser { return &parser{src: src, line: 1} }

// fileError says where in a file the error is.
func (p *parser) fileError(err error) error {
	return fmt.Errorf("line %d: %w", p.line, err)
}

// entries reads login modules up to a '}' or the end, and returns that
// last token.
func (p *parser) entries() ([]Entry, token, error) {
	var out []Entry
	for {
		t, err := p.next()
		if err != nil {
			return nil, t, err
		}
		if t.kind == eof || (t.kind == punct && t.text == "}") {
			return out, t, nil
		}
		if t.kind != word {
			return nil, t, fmt.Errorf("expected a login module class name, got %q", t.text)
		}
		e, err := p.entry(t.text)
		if err != nil {
			return nil, t, err
		}
		out = append(out, e)
	}
}

// entry reads what follows a module's class name: its flag, its options
// and the closing ';'.
func (p *parser) entry(module string) (Entry, error) {
	flag, err := p.next()
	if err != nil {
		return Entry{}, err
	}
	switch f := strings.ToLower(flag.text); {
	case flag.kind == word && (f == "required" || f == "requisite" || f == "sufficient" || f == "optional"):
	case flag.kind == punct && flag.text == "{":
		return Entry{}, fmt.Errorf("expected a control flag after %s, got '{': a section (\"%s { ... };\") where one login module was expected", module, module)
	default:
		return Entry{}, fmt.Errorf("expected a control flag (required, requisite, sufficient, optional) after %s, got %q", module, flag.text)
	}
	e := Entry{Module: module, Flag: strings.ToLower(flag.text), Options: make(map[string]string)}
	for {
		key, err := p.next()
		if err != nil {
			return Entry{}, err
		}
		switch {
		case key.kind == punct && key.text == ";":
			return e, nil
		case key.kind == eof || (key.kind == punct && key.text == "}"):
			return Entry{}, fmt.Errorf("missing the closing ';' of login module %s (each login module must end with ';')", module)
		}
		eq, err := p.next()
		if err != nil {
			return Entry{}, err
		}
		if key.kind != word || eq.kind != punct || eq.text != "=" {
			return Entry{}, fmt.Errorf("expected key=value in the options of %s, got %q", module, key.text)
		}
		val, err := p.next()
		if err != nil {
			return Entry{}, err
		}
		if val.kind != word && val.kind != str {
			return Entry{}, fmt.Errorf("expected a value after %s= in the options of %s, got %q", key.text, module, val.text)
		}
		e.Options[key.text] = val.text
	}
}

func (p *parser) peek() (token, error) {
	if p.peeked == nil {
		t, err := p.lex()
		if err != nil {
			return t, err
		}
		p.peeked = &t
	}
	return *p.peeked, nil
}

func (p *parser) next() (token, error) {
	t, err := p.peek()
	p.peeked = nil
	return t, err
}

// lex reads the next token, past white space and comments. Comments and
// quotes begin only where a token may: a bare value such as ldap://host or
// pass#word is one word.
func (p *parser) lex() (token, error) {
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '\n':
			p.line++
			p.i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			p.i++
		case c == '#' || strings.HasPrefix(p.src[p.i:], "//"):
			for p.i < len(p.src) && p.src[p.i] != '\n' {
				p.i++
			}
		case strings.HasPrefix(p.src[p.i:], "/*"):
			end := strings.Index(p.src[p.i+2:], "*/")
			if end < 0 {
				return token{}, fmt.Errorf("a /* comment is not closed")
			}
			p.line += strings.Count(p.src[p.i:p.i+2+end], "\n")
			p.i += end + 4
		case strings.IndexByte("{};=", c) >= 0:
			p.i++
			return token{kind: punct, text: string(c), line: p.line}, nil
		case c == '"' || c == '\'':
			return p.quoted(c)
		default:
			start := p.i
			for p.i < len(p.src) && strings.IndexByte(" \t\r\n\f{};=", p.src[p.i]) < 0 {
				p.i++
			}
			return token{kind: word, text: p.src[start:p.i], line: p.line}, nil
		}
	}
	return token{kind: eof, line: p.line}, nil
}

// quoted reads a string quoted with q, decoding Java's escapes. Unlike
// Java's tokenizer it lets a value run over lines, as the parsers it
// replaces did.
func (p *parser) quoted(q byte) (token, error) {
	line := p.line
	p.i++ // the opening quote
	var b strings.Builder
	for p.i < len(p.src) {
		c := p.src[p.i]
		p.i++
		switch c {
		case q:
			return token{kind: str, text: b.String(), line: line}, nil
		case '\n':
			p.line++
			b.WriteByte(c)
		case '\\':
			if p.i >= len(p.src) {
				return token{}, fmt.Errorf("unterminated quoted value (it ends in a lone '\\')")
			}
			p.escape(&b)
		default:
			b.WriteByte(c)
		}
	}
	return token{}, fmt.Errorf("unterminated quoted value: a %c opened on line %d is not closed", q, line)
}

// escape decodes the escape after a backslash as java.io.StreamTokenizer
// does: \a \b \f \n \r \t \v, up to three octal digits, and any other
// character as itself.
func (p *parser) escape(b *strings.Builder) {
	c := p.src[p.i]
	if c >= '0' && c <= '7' {
		// At most three digits, and the first of three at most 3, so that
		// the value fits a byte.
		n, digits := 0, 0
		for p.i < len(p.src) && digits < 3 && p.src[p.i] >= '0' && p.src[p.i] <= '7' {
			if digits == 2 && c > '3' {
				break
			}
			n = n*8 + int(p.src[p.i]-'0')
			p.i++
			digits++
		}
		b.WriteRune(rune(n))
		return
	}
	p.i++
	switch c {
	case 'a':
		b.WriteByte(7)
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case 'v':
		b.WriteByte('\v')
	case '\n':
		p.line++
		b.WriteByte(c)
	default:
		b.WriteByte(c) // the bytes of a multi-byte character follow as they are
	}
}
