package codec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ErrValueTooLarge is returned by Framer.Next for a value longer than the
// framer's limit. The stream cannot go on after it: the rest of the value
// was never read.
var ErrValueTooLarge = errors.New("value is larger than allowed")

// FrameError is returned by Framer.Next when the stream holds something
// other than a JSON object where the next value should start, or ends in
// the middle of one. The stream cannot go on after it either.
type FrameError struct{ Msg string }

func (e *FrameError) Error() string { return e.Msg }

// Framer splits a stream of concatenated JSON objects, with or without
// white space between them, into one object at a time, without reading
// further than the object's last byte: so a streaming request can be
// answered record by record while the client is still sending. It bounds
// the memory one object may take, and checks only the framing (strings,
// escapes, nesting); the decoder checks the rest.
type Framer struct {
	r     *bufio.Reader
	max   int
	buf   []byte
	stack []byte // kept between objects to reuse its memory
	read  int64
	start int64
}

// NewFramer reads objects from r; max bounds each object's length in bytes
// (0 or less: no bound).
func NewFramer(r io.Reader, max int) *Framer {
	return &Framer{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// Buffered is how many bytes of the stream are read but not yet framed:
// when it is 0, the next call to Next waits for the client.
func (f *Framer) Buffered() int { return f.r.Buffered() }

// Offset is how many bytes of the stream were read before the object last
// returned by Next.
func (f *Framer) Offset() int64 { return f.start }

// Next returns the next object's bytes, valid until the next call. It
// returns io.EOF when the stream ends cleanly between objects.
func (f *Framer) Next() ([]byte, error) {
	f.buf = f.buf[:0]
	c, err := f.skipSpace()
	if err != nil {
		return nil, err // io.EOF between values: the clean end
	}
	f.start = f.read - 1
	if c != '{' {
		return nil, &FrameError{Msg: fmt.Sprintf("Unexpected character '%s' at byte %d: expected the start of a JSON object", printable(c), f.start)}
	}
	f.buf = append(f.buf, c)
	f.stack = append(f.stack[:0], '{')
	s := scanState{open: f.stack}
	for len(s.open) > 0 {
		if f.r.Buffered() == 0 {
			if _, err := f.r.Peek(1); err != nil {
				if errors.Is(err, io.EOF) {
					return nil, &FrameError{Msg: fmt.Sprintf("Unexpected end of input in the JSON object starting at byte %d", f.start)}
				}
				return nil, err
			}
		}
		chunk, _ := f.r.Peek(f.r.Buffered())
		n := s.scan(chunk)
		if f.max > 0 && len(f.buf)+n > f.max {
			return nil, ErrValueTooLarge
		}
		f.buf = append(f.buf, chunk[:n]...)
		f.r.Discard(n)
		f.read += int64(n)
		if s.mismatch != 0 {
			return nil, &FrameError{Msg: fmt.Sprintf("Unexpected close marker '%c' at byte %d: expected '%c' to close the JSON object starting at byte %d",
				s.mismatch, f.read-1, closer(s.open[len(s.open)-1]), f.start)}
		}
	}
	f.stack = s.open
	return f.buf, nil
}

// scanState is where a scan stands inside an object: the brackets open,
// inside a string or not, and whether the next byte is escaped.
type scanState struct {
	open     []byte // '{' and '[' not closed yet, innermost last
	inString bool
	escaped  bool
	// mismatch is a close marker that does not match the innermost open
	// bracket: the framing is lost, and the stream cannot go on.
	mismatch byte
}

// closer is the close marker of an open bracket.
func closer(open byte) byte {
	if open == '[' {
		return ']'
	}
	return '}'
}

// scan advances over chunk until the object closes, a close marker does not
// match, or chunk ends, and returns how many bytes it consumed. Strings are skipped with IndexByte,
// so the cost is in the structure, not in the bytes of the values.
func (s *scanState) scan(chunk []byte) int {
	i := 0
	for i < len(chunk) {
		if s.inString {
			j := bytes.IndexByte(chunk[i:], '"')
			if j < 0 {
				s.escaped = trailingEscape(chunk[i:], s.escaped)
				return len(chunk)
			}
			q := i + j
			run := 0
			for k := q - 1; k >= i && chunk[k] == '\\'; k-- {
				run++
			}
			if run == q-i && s.escaped {
				run++ // the backslash carried over from the last chunk
			}
			s.escaped = false
			i = q + 1
			if run%2 == 0 {
				s.inString = false
			}
			continue
		}
		switch chunk[i] {
		case '"':
			s.inString = true
		case '{', '[':
			s.open = append(s.open, chunk[i])
		case '}', ']':
			if closer(s.open[len(s.open)-1]) != chunk[i] {
				s.mismatch = chunk[i]
				return i + 1
			}
			s.open = s.open[:len(s.open)-1]
			if len(s.open) == 0 {
				return i + 1
			}
		}
		i++
	}
	return i
}

// trailingEscape reports whether the byte after seg is escaped: seg ends
// in an odd run of backslashes, counting one carried into seg.
func trailingEscape(seg []byte, carried bool) bool {
	run := 0
	for k := len(seg) - 1; k >= 0 && seg[k] == '\\'; k-- {
		run++
	}
	if run == len(seg) && carried {
		run++
	}
	return run%2 == 1
}

// skipSpace returns the first byte that is not JSON white space.
func (f *Framer) skipSpace() (byte, error) {
	for {
		c, err := f.r.ReadByte()
		if err != nil {
			return 0, err
		}
		f.read++
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c, nil
	}
}

func printable(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return string(c)
	}
	return fmt.Sprintf("\\x%02x", c)
}
