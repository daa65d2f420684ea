package codec

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// next is f.Next's bytes.
func next(f *Framer) ([]byte, error) {
	fr, err := f.Next(context.Background())
	return fr.Bytes, err
}

// testBudget is a memory budget of size bytes for a framer's holds.
type testBudget struct{ size, used int64 }

type testHold struct {
	b    *testBudget
	held int64
}

var errFull = errors.New("the test budget is full")

func (b *testBudget) hold() Hold { return &testHold{b: b} }

func (h *testHold) Grow(_ context.Context, n int64) error {
	if h.b.used+n > h.b.size {
		return errFull
	}
	h.b.used += n
	h.held += n
	return nil
}

func (h *testHold) Release() { h.b.used -= h.held; h.held = 0 }

func TestFramer(t *testing.T) {
	in := `{"value":{"type":"JSON","data":"ONE"}}{"value":{"type":"JSON","data":"TWO"}}` +
		"\n\r\t " + `{"a":"}{\"","b":[{"c":"]"}]}` + ` {}` + "\n"
	f := NewFramer(strings.NewReader(in), 0)
	want := []string{
		`{"value":{"type":"JSON","data":"ONE"}}`,
		`{"value":{"type":"JSON","data":"TWO"}}`,
		`{"a":"}{\"","b":[{"c":"]"}]}`,
		`{}`,
	}
	for i, w := range want {
		got, err := next(f)
		if err != nil || string(got) != w {
			t.Fatalf("value %d: %q %v, want %q", i, got, err, w)
		}
	}
	if _, err := next(f); err != io.EOF {
		t.Fatalf("after the last value: %v, want io.EOF", err)
	}
}

func TestFramerErrors(t *testing.T) {
	var fe *FrameError
	f := NewFramer(strings.NewReader(`{"a":1} garbage`), 0)
	if _, err := next(f); err != nil {
		t.Fatal(err)
	}
	if _, err := next(f); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "Unexpected character 'g' at byte 8") {
		t.Fatalf("garbage: %v", err)
	}
	f = NewFramer(strings.NewReader(`{"a":"unterminated`), 0)
	if _, err := next(f); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "Unexpected end of input") {
		t.Fatalf("truncated: %v", err)
	}
	// Found by FuzzFramer (testdata/fuzz/FuzzFramer/3c8695f0f05d8692): a
	// close marker of the other kind used to count as a close, and a
	// frame such as {""] went to the decoder as an object.
	for _, in := range []string{`{""]`, `{"a":[1}{"b":2}]`} {
		f = NewFramer(strings.NewReader(in), 0)
		if v, err := next(f); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "Unexpected close marker") {
			t.Fatalf("mismatched brackets %s: %q %v", in, v, err)
		}
	}
	f = NewFramer(strings.NewReader(`{"a":"12345"}{"a":"1234567890"}`), 14)
	if v, err := next(f); err != nil || len(v) != 13 {
		t.Fatalf("a value under the limit: %q %v", v, err)
	}
	if _, err := next(f); !errors.Is(err, ErrValueTooLarge) {
		t.Fatalf("a value over the limit: %v", err)
	}
}

// TestFramerChunkBoundaries feeds the framer one byte at a time, so that
// every escape and quote falls on a chunk boundary somewhere, and checks
// it against encoding/json's own idea of where each value ends.
func TestFramerChunkBoundaries(t *testing.T) {
	values := []string{
		`{"a":"\\"}`,
		`{"a":"\\\"}{"}`,
		`{"a":"\\\\\\","b":"\"\"\\\""}`,
		`{"a":[{"b":"]}"},"\\\\"],"c":{"d":"{"}}`,
		`{"k":"` + strings.Repeat(`\\`, 33) + `"}`,
	}
	for _, one := range []bool{false, true} {
		var r io.Reader = strings.NewReader(strings.Join(values, " "))
		if one {
			r = iotest.OneByteReader(r)
		}
		f := NewFramer(r, 0)
		for i, want := range values {
			if !json.Valid([]byte(want)) {
				t.Fatalf("test value %d is not JSON: %s", i, want)
			}
			got, err := next(f)
			if err != nil || string(got) != want {
				t.Fatalf("one byte at a time %v, value %d: %q %v, want %q", one, i, got, err, want)
			}
		}
		if _, err := next(f); err != io.EOF {
			t.Fatalf("after the values: %v", err)
		}
	}
}

// TestFramerHandsOverBufferedObjects: an object the reader's buffer holds
// whole is handed over where it lies, and what a caller appends to it
// cannot overwrite the objects after it; the offsets count as for any
// object.
func TestFramerHandsOverBufferedObjects(t *testing.T) {
	f := NewFramer(strings.NewReader(` {"a":1}`+"\n"+`{"b":"}"} {"c":[2]}`), 0)
	first, err := f.Next(context.Background())
	if err != nil || string(first.Bytes) != `{"a":1}` || f.Offset() != 1 {
		t.Fatalf("%q %v at %d", first.Bytes, err, f.Offset())
	}
	if cap(first.Bytes) != len(first.Bytes) {
		t.Errorf("the object's capacity %d goes past its %d bytes", cap(first.Bytes), len(first.Bytes))
	}
	_ = append(first.Bytes, "XXXXXXXX"...)
	for _, want := range []struct {
		bytes  string
		offset int64
	}{{`{"b":"}"}`, 9}, {`{"c":[2]}`, 19}} {
		got, err := f.Next(context.Background())
		if err != nil || string(got.Bytes) != want.bytes || f.Offset() != want.offset {
			t.Fatalf("%q %v at %d, want %q at %d", got.Bytes, err, f.Offset(), want.bytes, want.offset)
		}
	}
	if _, err := next(f); err != io.EOF {
		t.Fatalf("after the values: %v", err)
	}
}

// TestFramerBudget: an object that outgrows the framer's own buffer takes
// its memory from the budget, and its bytes are the caller's until it
// releases them; one the budget cannot hold is skipped with a
// *BudgetError, and the stream goes on with the next.
func TestFramerBudget(t *testing.T) {
	small := `{"a":1}`
	medium := `{"a":"` + strings.Repeat("m", 40) + `"}`
	big := `{"a":"` + strings.Repeat("b", 200) + `","c":[{"d":"}"}]}`
	b := &testBudget{size: 128}
	f := NewFramer(strings.NewReader(small+medium+big+small+medium), 0, WithBudget(16, 0, b.hold))
	ctx := context.Background()

	fr, err := f.Next(ctx)
	if err != nil || string(fr.Bytes) != small || fr.Hold != nil || b.used != 0 {
		t.Fatalf("small: %q %v %v, %d used", fr.Bytes, fr.Hold, err, b.used)
	}
	fr, err = f.Next(ctx)
	if err != nil || string(fr.Bytes) != medium || fr.Hold == nil || b.used < int64(len(medium)) || b.used != int64(cap(fr.Bytes)) {
		t.Fatalf("medium: %q %v, %d used", fr.Bytes, err, b.used)
	}
	kept := fr
	var be *BudgetError
	if fr, err = f.Next(ctx); !errors.As(err, &be) || !errors.Is(err, errFull) || be.Len != int64(len(big)) || fr.Bytes != nil {
		t.Fatalf("big: %q %v", fr.Bytes, err)
	}
	if b.used != int64(cap(kept.Bytes)) || string(kept.Bytes) != medium {
		t.Fatalf("after the refused object: %d used, the held object is %q", b.used, kept.Bytes)
	}
	kept.Hold.Release()
	if fr, err = f.Next(ctx); err != nil || string(fr.Bytes) != small || b.used != 0 {
		t.Fatalf("small after: %q %v, %d used", fr.Bytes, err, b.used)
	}
	if fr, err = f.Next(ctx); err != nil || string(fr.Bytes) != medium || fr.Hold == nil {
		t.Fatalf("medium after: %q %v", fr.Bytes, err)
	}
	fr.Hold.Release()
	if _, err = f.Next(ctx); err != io.EOF || b.used != 0 {
		t.Fatalf("end: %v, %d used", err, b.used)
	}

	// A stream that ends inside a held object gives its memory back.
	f = NewFramer(strings.NewReader(medium[:30]), 0, WithBudget(16, 0, b.hold))
	var fe *FrameError
	if _, err := f.Next(ctx); !errors.As(err, &fe) || b.used != 0 {
		t.Fatalf("truncated: %v, %d used", err, b.used)
	}
}
