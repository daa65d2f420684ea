package codec

import (
	"errors"
	"io"
	"strings"
	"testing"
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
	f = NewFramer(strings.NewReader(`{"a":"12345"}{"a":"1234567890"}`), 14)
	if v, err := f.Next(); err != nil || len(v) != 13 {
		t.Fatalf("a value under the limit: %q %v", v, err)
	}
	if _, err := f.Next(); !errors.Is(err, ErrValueTooLarge) {
		t.Fatalf("a value over the limit: %v", err)
	}
}
