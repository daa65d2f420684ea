package codec

import (
	"bufio"
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
	read  int64
	start int64
}

// NewFramer reads objects from r; max bounds each object's length in bytes
// (0 or less: no bound).
func NewFramer(r io.Reader, max int) *Framer {
	return &Framer{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

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
	depth, inString, escaped := 1, false, false
	for depth > 0 {
		c, err := f.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, &FrameError{Msg: fmt.Sprintf("Unexpected end of input in the JSON object starting at byte %d", f.start)}
			}
			return nil, err
		}
		f.read++
		if f.max > 0 && len(f.buf) >= f.max {
			return nil, ErrValueTooLarge
		}
		f.buf = append(f.buf, c)
		switch {
		case escaped:
			escaped = false
		case inString:
			switch c {
			case '\\':
				escaped = true
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
		}
	}
	return f.buf, nil
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
