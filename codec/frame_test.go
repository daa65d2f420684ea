package codec

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

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
		got, err := f.Next()
		if err != nil || string(got) != w {
			t.Fatalf("value %d: %q %v, want %q", i, got, err, w)
		}
	}
	if _, err := f.Next(); err != io.EOF {
		t.Fatalf("after the last value: %v, want io.EOF", err)
	}
}

func TestFramerErrors(t *testing.T) {
	var fe *FrameError
	f := NewFramer(strings.NewReader(`{"a":1} garbage`), 0)
	if _, err := f.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Next(); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "Unexpected character 'g' at byte 8") {
		t.Fatalf("garbage: %v", err)
	}
	f = NewFramer(strings.NewReader(`{"a":"unterminated`), 0)
	if _, err := f.Next(); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "Unexpected end of input") {
		t.Fatalf("truncated: %v", err)
	}
	// Found by FuzzFramer (testdata/fuzz/FuzzFramer/3c8695f0f05d8692): a
	// close marker of the other kind used to count as a close, and a
	// frame such as {""] went to the decoder as an object.
	for _, in := range []string{`{""]`, `{"a":[1}{"b":2}]`} {
		f = NewFramer(strings.NewReader(in), 0)
		if v, err := f.Next(); !errors.As(err, &fe) || !strings.Contains(fe.Msg, "Unexpected close marker") {
			t.Fatalf("mismatched brackets %s: %q %v", in, v, err)
		}
	}
	f = NewFramer(strings.NewReader(`{"a":"12345"}{"a":"1234567890"}`), 14)
	if v, err := f.Next(); err != nil || len(v) != 13 {
		t.Fatalf("a value under the limit: %q %v", v, err)
	}
	if _, err := f.Next(); !errors.Is(err, ErrValueTooLarge) {
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
			got, err := f.Next()
			if err != nil || string(got) != want {
				t.Fatalf("one byte at a time %v, value %d: %q %v, want %q", one, i, got, err, want)
			}
		}
		if _, err := f.Next(); err != io.EOF {
			t.Fatalf("after the values: %v", err)
		}
	}
}
