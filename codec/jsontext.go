package codec

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON data is stored as Confluent's serializers write it (Jackson's
// writeValueAsBytes of the parsed value): compact, with every character
// that needs no escape as UTF-8, so that "\u00fc" from a client that
// escapes all non-ASCII (Python's json.dumps does) is stored as the two
// bytes of ü, as it would be by Confluent's proxy. What JSON requires
// stays escaped, as Jackson writes it: \" and \\, control characters as
// \b \t \n \f \r or \u00XX. U+2028 and U+2029 are plain UTF-8, as
// Jackson writes them (only JavaScript source needs them escaped). A lone
// surrogate escape, valid JSON but no character, is kept as written.
// Numbers are kept as written: no conversion to a float and back.
//
// Text that is not valid JSON (RFC 8259), invalid UTF-8 included, is an
// error that says what and where. The writer never overtakes the reader,
// so the output may overwrite the input it is read from.

// maxJSONDepth bounds the nesting of JSON data, as Jackson's default
// StreamReadConstraints do; the scan keeps its own stack, so deeper data is
// refused by choice, not for the sake of the call stack.
const maxJSONDepth = 1000

// textError says why bytes are not the JSON text they should be, and at
// which byte of the data.
type textError struct {
	off int
	msg string
}

func (e *textError) Error() string { return fmt.Sprintf("%s at byte %d", e.msg, e.off) }

// AppendCompactJSON appends src, one JSON value with optional white space
// around it, to dst as compact UTF-8 JSON (see above). dst may be src[:0]:
// the value is then rewritten in src's own memory.
func AppendCompactJSON(dst, src []byte) ([]byte, error) {
	s := jsonScan{src: src, out: dst, write: true}
	end, err := s.value(s.space(0))
	if err != nil {
		return dst, err
	}
	if end = s.space(end); end != len(src) {
		return dst, &textError{end, "unexpected data after the JSON value"}
	}
	return s.out, nil
}

// scanJSON checks the JSON value that starts at src[i] (after white space)
// and returns the index just past it.
func scanJSON(src []byte, i int) (int, error) {
	s := jsonScan{src: src}
	return s.value(s.space(i))
}

// scanString checks the JSON string that starts at src[i] and returns the
// index just past its closing quote; asText also refuses what is no text
// (a lone surrogate), as appendText would.
func scanString(src []byte, i int, asText bool) (int, error) {
	s := jsonScan{src: src, text: asText}
	return s.str(i)
}

// appendText appends the characters of lit, exactly one JSON string, to
// dst as UTF-8 text: what STRING data stores. dst may be lit[:0].
func appendText(dst, lit []byte) ([]byte, error) {
	s := jsonScan{src: lit, out: dst, write: true, text: true}
	end, err := s.str(0)
	if err != nil {
		return dst, err
	}
	if end != len(lit) {
		return dst, &textError{end, "unexpected data after the string"}
	}
	return s.out, nil
}

// jsonScan reads src and, when write is set, appends what it reads to out
// in the stored form: compact JSON, or with text set the characters of a
// string without quotes or escapes.
type jsonScan struct {
	src   []byte
	out   []byte
	write bool
	text  bool
}

func (s *jsonScan) put(b ...byte) {
	if s.write {
		s.out = append(s.out, b...)
	}
}

func (s *jsonScan) space(i int) int {
	for i < len(s.src) {
		switch s.src[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

func (s *jsonScan) unexpected(i int) error {
	if i >= len(s.src) {
		return &textError{i, "unexpected end of the JSON data"}
	}
	if c := s.src[i]; c >= 0x20 && c < 0x7f {
		return &textError{i, fmt.Sprintf("unexpected character '%c'", c)}
	}
	return &textError{i, fmt.Sprintf("unexpected byte 0x%02X", s.src[i])}
}

// value reads the value at src[i], nesting kept on a stack of its own.
func (s *jsonScan) value(i int) (int, error) {
	var open []byte // '{' and '[' not closed yet
	var err error
	for {
		// A value starts at i.
		i = s.space(i)
		if i >= len(s.src) {
			return i, s.unexpected(i)
		}
		switch c := s.src[i]; {
		case c == '{' || c == '[':
			if len(open) == maxJSONDepth {
				return i, &textError{i, fmt.Sprintf("data nests deeper than %d levels", maxJSONDepth)}
			}
			open = append(open, c)
			s.put(c)
			i = s.space(i + 1)
			if i < len(s.src) && s.src[i] == closer(c) {
				s.put(s.src[i])
				i++
				open = open[:len(open)-1]
				break
			}
			if c == '{' {
				if i, err = s.member(i); err != nil {
					return i, err
				}
			}
			continue
		case c == '"':
			if i, err = s.str(i); err != nil {
				return i, err
			}
		case c == '-' || c >= '0' && c <= '9':
			if i, err = s.number(i); err != nil {
				return i, err
			}
		default:
			if i, err = s.literal(i); err != nil {
				return i, err
			}
		}
		// After a value: close what it ends, or go on to the next one.
		for {
			if len(open) == 0 {
				return i, nil
			}
			i = s.space(i)
			if i >= len(s.src) {
				return i, s.unexpected(i)
			}
			top := open[len(open)-1]
			if c := s.src[i]; c == closer(top) {
				s.put(c)
				i++
				open = open[:len(open)-1]
				continue
			} else if c != ',' {
				return i, s.unexpected(i)
			}
			s.put(',')
			i++
			if top == '{' {
				if i, err = s.member(s.space(i)); err != nil {
					return i, err
				}
			}
			break
		}
	}
}

// member reads an object member's name and colon.
func (s *jsonScan) member(i int) (int, error) {
	if i >= len(s.src) || s.src[i] != '"' {
		return i, s.unexpected(i)
	}
	i, err := s.str(i)
	if err != nil {
		return i, err
	}
	if i = s.space(i); i >= len(s.src) || s.src[i] != ':' {
		return i, s.unexpected(i)
	}
	s.put(':')
	return i + 1, nil
}

func (s *jsonScan) literal(i int) (int, error) {
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(s.src)-i >= len(lit) && string(s.src[i:i+len(lit)]) == lit {
			s.put(s.src[i : i+len(lit)]...)
			return i + len(lit), nil
		}
	}
	return i, s.unexpected(i)
}

// number reads a number in RFC 8259's grammar and keeps it as written.
func (s *jsonScan) number(i int) (int, error) {
	start := i
	digits := func() bool {
		n := i
		for i < len(s.src) && s.src[i] >= '0' && s.src[i] <= '9' {
			i++
		}
		return i > n
	}
	if s.src[i] == '-' {
		i++
	}
	switch {
	case i < len(s.src) && s.src[i] == '0':
		i++
	case !digits():
		return i, s.unexpected(i)
	}
	if i < len(s.src) && s.src[i] == '.' {
		i++
		if !digits() {
			return i, s.unexpected(i)
		}
	}
	if i < len(s.src) && (s.src[i] == 'e' || s.src[i] == 'E') {
		i++
		if i < len(s.src) && (s.src[i] == '+' || s.src[i] == '-') {
			i++
		}
		if !digits() {
			return i, s.unexpected(i)
		}
	}
	s.put(s.src[start:i]...)
	return i, nil
}

// plainByte reports whether a string holds c as it is: printable ASCII but
// the quote and the backslash.
func plainByte(c byte) bool { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\' }

// str reads the string at src[i] (its opening quote).
func (s *jsonScan) str(i int) (int, error) {
	if i >= len(s.src) || s.src[i] != '"' {
		return i, s.unexpected(i)
	}
	if !s.text {
		s.put('"')
	}
	i++
	run := i // start of the bytes not written yet that are kept as they are
	flush := func(end int) {
		s.put(s.src[run:end]...)
	}
	for {
		for i < len(s.src) && plainByte(s.src[i]) {
			i++
		}
		if i >= len(s.src) {
			return i, &textError{i, "unexpected end of the JSON data in a string"}
		}
		switch c := s.src[i]; {
		case c == '"':
			flush(i)
			if !s.text {
				s.put('"')
			}
			return i + 1, nil
		case c < 0x20:
			return i, &textError{i, fmt.Sprintf("control character U+%04X in a string: JSON needs it escaped", c)}
		case c >= 0x80:
			r, n := utf8.DecodeRune(s.src[i:])
			if r == utf8.RuneError && n <= 1 {
				return i, &textError{i, fmt.Sprintf("invalid UTF-8 (byte 0x%02X): JSON text must be UTF-8", c)}
			}
			i += n
			continue
		}
		// A backslash: everything before it is written as it is.
		flush(i)
		var err error
		if i, err = s.escape(i); err != nil {
			return i, err
		}
		run = i
	}
}

// escape reads the escape at src[i] (its backslash) and writes it in the
// stored form.
func (s *jsonScan) escape(i int) (int, error) {
	if i+1 >= len(s.src) {
		return i, &textError{i, "unexpected end of the JSON data in an escape"}
	}
	switch e := s.src[i+1]; e {
	case '"', '\\':
		if !s.text {
			s.put('\\')
		}
		s.put(e)
		return i + 2, nil
	case '/':
		s.put('/')
		return i + 2, nil
	case 'b', 'f', 'n', 'r', 't':
		if s.text {
			s.put(controlOf(e))
		} else {
			s.put('\\', e)
		}
		return i + 2, nil
	case 'u':
	default:
		return i, &textError{i, fmt.Sprintf("invalid escape '\\%s' in a string", printable(e))}
	}
	r, ok := hex4(s.src, i+2)
	if !ok {
		return i, &textError{i, "invalid \\u escape: four hexadecimal digits must follow"}
	}
	n := 6
	if utf16.IsSurrogate(r) && len(s.src) >= i+12 && s.src[i+6] == '\\' && s.src[i+7] == 'u' {
		if lo, ok := hex4(s.src, i+8); ok {
			if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
				r, n = pair, 12
			}
		}
	}
	if utf16.IsSurrogate(r) { // half of a pair without the other half
		if s.text {
			return i, &textError{i, fmt.Sprintf("\\u%s is half of a UTF-16 surrogate pair without the other half: no character", s.src[i+2:i+6])}
		}
		s.put(s.src[i : i+6]...) // valid JSON: kept as written
		return i + 6, nil
	}
	s.putRune(r)
	return i + n, nil
}

// putRune writes r in the stored form.
func (s *jsonScan) putRune(r rune) {
	if !s.write {
		return
	}
	if s.text {
		s.out = utf8.AppendRune(s.out, r)
		return
	}
	switch r {
	case '"', '\\':
		s.out = append(s.out, '\\', byte(r))
	case '\b':
		s.out = append(s.out, '\\', 'b')
	case '\f':
		s.out = append(s.out, '\\', 'f')
	case '\n':
		s.out = append(s.out, '\\', 'n')
	case '\r':
		s.out = append(s.out, '\\', 'r')
	case '\t':
		s.out = append(s.out, '\\', 't')
	default:
		if r < 0x20 {
			const hex = "0123456789ABCDEF"
			s.out = append(s.out, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xF])
			return
		}
		s.out = utf8.AppendRune(s.out, r)
	}
}

// controlOf is the character of a short escape.
func controlOf(e byte) byte {
	switch e {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return 0
}

// hex4 reads the four hexadecimal digits of a \u escape at b[i].
func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	u, err := strconv.ParseUint(string(b[i:i+4]), 16, 16)
	return rune(u), err == nil
}
