package codec

import (
	"bufio"
	"bytes"
	"context"
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

// Hold is one object's share of a memory budget shared with other readers
// (see WithBudget).
type Hold interface {
	// Grow waits until the share may hold n more bytes, as long as ctx
	// allows; an error means it may not.
	Grow(ctx context.Context, n int64) error
	// Release gives back everything the share holds.
	Release()
}

// BudgetError is returned by Framer.Next for an object that could not get
// the memory it needed from the budget: the framer skipped the rest of it
// without keeping it, so the stream goes on with the next object.
type BudgetError struct {
	// Err is the budget's answer.
	Err error
	// Len is the object's length, as far as it was read.
	Len int64
}

func (e *BudgetError) Error() string { return "no memory for the object: " + e.Err.Error() }

func (e *BudgetError) Unwrap() error { return e.Err }

// FramerOpt configures a Framer.
type FramerOpt func(*Framer)

// WithBudget makes objects longer than free bytes take their memory from
// a budget shared with other readers: a hold from newHold, grown before the
// object's buffer grows (doubling, up to the framer's bound and to limit,
// the most one object may hold). When a hold cannot grow, Next skips the
// rest of the object and returns a *BudgetError. An object that fits in
// free bytes reuses the framer's own buffer and takes nothing.
func WithBudget(free, limit int, newHold func() Hold) FramerOpt {
	return func(f *Framer) { f.free, f.limit, f.newHold = free, limit, newHold }
}

// Framer splits a stream of concatenated JSON objects, with or without
// white space between them, into one object at a time, without reading
// further than the object's last byte: so a streaming request can be
// answered record by record while the client is still sending. It bounds
// the memory one object may take, and checks only the framing (strings,
// escapes, nesting); the decoder checks the rest.
type Framer struct {
	r     *bufio.Reader
	max   int
	buf   []byte // the framer's own, reused for objects that fit in it
	stack []byte // kept between objects to reuse its memory
	read  int64
	start int64

	free, limit int
	newHold     func() Hold
}

// Frame is one object read by a Framer.
type Frame struct {
	// Bytes are the object's. Unless Hold is set they are valid only until
	// the next call to Next.
	Bytes []byte
	// Hold is set when the object took memory from the budget: Bytes are
	// then the caller's for good, and the caller releases Hold once their
	// memory is accounted for elsewhere or dropped.
	Hold Hold
}

// NewFramer reads objects from r; max bounds each object's length in bytes
// (0 or less: no bound).
func NewFramer(r io.Reader, max int, opts ...FramerOpt) *Framer {
	f := &Framer{r: bufio.NewReaderSize(r, 64<<10), max: max}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Reset makes f read objects from r from the start, keeping its buffers
// and options, so that a framer can serve one request after another.
func (f *Framer) Reset(r io.Reader) {
	f.r.Reset(r)
	f.read, f.start = 0, 0
}

// Buffered is how many bytes of the stream are read but not yet framed:
// when it is 0, the next call to Next waits for the client.
func (f *Framer) Buffered() int { return f.r.Buffered() }

// Offset is how many bytes of the stream were read before the object last
// returned by Next.
func (f *Framer) Offset() int64 { return f.start }

// Next returns the next object. It returns io.EOF when the stream ends
// cleanly between objects; a *BudgetError when the object got no memory
// (the stream can go on); anything else ends the stream. ctx bounds the
// wait for memory, not for the stream's bytes.
func (f *Framer) Next(ctx context.Context) (Frame, error) {
	c, err := f.skipSpace()
	if err != nil {
		return Frame{}, err // io.EOF between values: the clean end
	}
	f.start = f.read - 1
	if c != '{' {
		return Frame{}, &FrameError{Msg: fmt.Sprintf("Unexpected character '%s' at byte %d: expected the start of a JSON object", printable(c), f.start)}
	}
	if fr, ok := f.buffered(); ok {
		return fr, nil
	}
	o := object{f: f, buf: append(f.buf[:0], c), len: 1}
	defer o.drop()
	f.stack = append(f.stack[:0], '{')
	s := scanState{open: f.stack}
	for len(s.open) > 0 {
		if f.r.Buffered() == 0 {
			if _, err := f.r.Peek(1); err != nil {
				if errors.Is(err, io.EOF) {
					return Frame{}, &FrameError{Msg: fmt.Sprintf("Unexpected end of input in the JSON object starting at byte %d", f.start)}
				}
				return Frame{}, err
			}
		}
		chunk, _ := f.r.Peek(f.r.Buffered())
		n := s.scan(chunk)
		if f.max > 0 && o.len+int64(n) > int64(f.max) {
			return Frame{}, ErrValueTooLarge
		}
		if err := o.append(ctx, chunk[:n]); err != nil {
			return Frame{}, err
		}
		f.r.Discard(n)
		f.read += int64(n)
		if s.mismatch != 0 {
			return Frame{}, &FrameError{Msg: fmt.Sprintf("Unexpected close marker '%c' at byte %d: expected '%c' to close the JSON object starting at byte %d",
				s.mismatch, f.read-1, closer(s.open[len(s.open)-1]), f.start)}
		}
	}
	f.stack = s.open
	if o.skipErr != nil {
		return Frame{}, &BudgetError{Err: o.skipErr, Len: o.len}
	}
	return o.frame(), nil
}

// buffered hands over, where it lies, an object whose first byte Next
// just read and that the reader's buffer holds whole: no copy. ok is false
// for anything else (an object that goes on past the buffer, a framing
// error, one too large or that needs the budget), which Next then reads
// as it reads any object, from its first byte.
func (f *Framer) buffered() (Frame, bool) {
	if f.r.UnreadByte() != nil {
		return Frame{}, false
	}
	chunk, _ := f.r.Peek(f.r.Buffered())
	f.stack = append(f.stack[:0], '{')
	s := scanState{open: f.stack}
	n := 1 + s.scan(chunk[1:])
	f.stack = s.open
	if len(s.open) > 0 || s.mismatch != 0 || f.max > 0 && n > f.max || f.newHold != nil && n > f.free {
		f.r.ReadByte() // the '{' again
		return Frame{}, false
	}
	f.r.Discard(n)
	f.read += int64(n - 1) // the '{' was counted
	return Frame{Bytes: chunk[:n:n]}, true
}

// object is the object Next is reading: its bytes, and the budget they
// took once they outgrew the framer's own buffer.
type object struct {
	f    *Framer
	buf  []byte
	len  int64 // bytes read, kept or not
	hold Hold
	held int // what hold pays for: the buffer's capacity once it is not the framer's
	// skipErr is why the object's bytes are no longer kept: the budget
	// refused it more memory. The rest is scanned, not kept.
	skipErr error
	done    bool
}

// append keeps b, growing the buffer first, with the budget's leave when
// it outgrows the framer's own. Only an error of ctx is returned: a
// refusal of the budget is kept in skipErr.
func (o *object) append(ctx context.Context, b []byte) error {
	o.len += int64(len(b))
	if o.skipErr != nil {
		return nil
	}
	need := len(o.buf) + len(b)
	if need > cap(o.buf) && o.f.newHold != nil && need > o.f.free {
		size := max(2*cap(o.buf), need)
		if o.f.max > 0 {
			size = min(size, o.f.max)
		}
		if o.f.limit > 0 && need <= o.f.limit {
			size = min(size, o.f.limit) // what does not fit is refused as it is
		}
		if o.hold == nil {
			o.hold = o.f.newHold()
		}
		if err := o.hold.Grow(ctx, int64(size-o.held)); err != nil {
			if ctx.Err() != nil {
				return err
			}
			o.skipErr = err
			o.release()
			return nil
		}
		grown := make([]byte, len(o.buf), size)
		copy(grown, o.buf)
		o.buf, o.held = grown, size
	}
	o.buf = append(o.buf, b...)
	return nil
}

// frame hands the object over: a held buffer becomes the caller's, with
// its hold; the framer's own is kept for the next object.
func (o *object) frame() Frame {
	o.done = true
	if o.hold != nil {
		return Frame{Bytes: o.buf, Hold: o.hold}
	}
	o.f.buf = o.buf
	return Frame{Bytes: o.buf}
}

// release lets go of a held buffer and its budget.
func (o *object) release() {
	if o.hold != nil {
		o.hold.Release()
	}
	o.buf, o.held = o.f.buf[:0], 0
}

// drop releases what an object Next did not hand over holds.
func (o *object) drop() {
	if !o.done {
		o.release()
		o.hold = nil
	}
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
