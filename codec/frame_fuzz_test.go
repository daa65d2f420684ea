package codec

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"errors"
	"io"
	"testing"
)

// chunkReader hands out its data in chunks of the sizes in sizes (cycled),
// so that objects, strings and escapes are split across reads at places
// the fuzzer chooses.
type chunkReader struct {
	data  []byte
	sizes []byte
	i     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := 1
	if len(r.sizes) > 0 {
		n = int(r.sizes[r.i%len(r.sizes)])%17 + 1
		r.i++
	}
	n = min(n, len(p), len(r.data))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

// frameAll frames every object of data read in the given chunks, until the
// first error (io.EOF for a clean end).
func frameAll(data, chunks []byte, max int, opts ...FramerOpt) ([][]byte, error) {
	f := NewFramer(&chunkReader{data: data, sizes: chunks}, max, opts...)
	var out [][]byte
	for {
		fr, err := f.Next(context.Background())
		var be *BudgetError
		if errors.As(err, &be) {
			out = append(out, nil) // skipped for want of memory
			continue
		}
		if err != nil {
			return out, err
		}
		out = append(out, bytes.Clone(fr.Bytes))
		if fr.Hold != nil {
			fr.Hold.Release()
		}
	}
}

// jsonObject reports whether b is one JSON object, white space around it
// aside, by the standard library's reading (an oracle independent of the
// framer's scanner).
func jsonObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{' && stdjson.Valid(b)
}

// FuzzFramer checks the streaming record decoder's framing: valid objects
// concatenated, with or without white space between them and however the
// stream is cut into reads, come back as exactly those objects; anything
// else ends in an error, never a panic, a frame that is not brace-bounded
// or one over the size limit.
func FuzzFramer(f *testing.F) {
	f.Add([]byte(`{"value":{"type":"JSON","data":"ONE"}}`), []byte(`{"a":"}{\"","b":[{"c":"]"}]}`), []byte{0, 3, 7}, uint8(0))
	f.Add([]byte(`{"k":"\\"}`), []byte(`{"v":"\\\"}"}`), []byte{1}, uint8(2))
	f.Add([]byte(`{"value":{"type":"BINARY","data":"AAEC"},"headers":[{"name":"h","value":null}]}`), []byte(`{}`), []byte{}, uint8(1))
	f.Add([]byte(`{"a":[[[{"b":"\u00e9"}]]]}`), []byte(`{"a":"\\\\\\"}`), []byte{16, 0}, uint8(3))
	f.Add([]byte(`{"a":1}x`), []byte(`{"b":`), []byte{2}, uint8(0))
	seps := []string{"", "\n", " \t\r\n ", "\r\n"}
	f.Fuzz(func(t *testing.T, a, b, chunks []byte, sep uint8) {
		s := seps[int(sep)%len(seps)]
		if jsonObject(a) && jsonObject(b) {
			ta, tb := bytes.TrimSpace(a), bytes.TrimSpace(b)
			stream := bytes.Join([][]byte{ta, tb, ta}, []byte(s))
			got, err := frameAll(append(stream, s...), chunks, 0)
			if !errors.Is(err, io.EOF) {
				t.Fatalf("framing %q: %v after %d objects", stream, err, len(got))
			}
			want := [][]byte{ta, tb, ta}
			if len(got) != len(want) {
				t.Fatalf("framing %q: got %d objects %q, want 3", stream, len(got), got)
			}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("framing %q: object %d is %q, want %q", stream, i, got[i], want[i])
				}
			}
			// With a budget for the objects longer than 4 bytes, each comes
			// back whole, or is skipped when it does not fit, and the
			// stream goes on; what was held is given back.
			budget := &testBudget{size: int64(len(chunks)) * 8}
			got, err = frameAll(append(stream, s...), chunks, 0, WithBudget(4, 0, budget.hold))
			if !errors.Is(err, io.EOF) || len(got) != len(want) || budget.used != 0 {
				t.Fatalf("framing %q with a budget of %d: %v after %q, %d held", stream, budget.size, err, got, budget.used)
			}
			for i := range want {
				if got[i] != nil && !bytes.Equal(got[i], want[i]) || got[i] == nil && len(want[i]) <= 4 {
					t.Fatalf("framing %q with a budget of %d: object %d is %q, want %q", stream, budget.size, i, got[i], want[i])
				}
			}

			// A limit below the longest object ends the stream there.
			longest := max(len(ta), len(tb))
			if _, err := frameAll(stream, chunks, longest-1); longest > 1 && !errors.Is(err, ErrValueTooLarge) {
				t.Fatalf("framing %q with limit %d: %v, want ErrValueTooLarge", stream, longest-1, err)
			}
		}

		// Any bytes at all: frames are brace-bounded, within the limit,
		// and the stream ends in an error the handler knows.
		const limit = 64
		in := append(bytes.Clone(a), b...)
		got, err := frameAll(in, chunks, limit)
		for _, obj := range got {
			if len(obj) < 2 || obj[0] != '{' || obj[len(obj)-1] != '}' || len(obj) > limit {
				t.Fatalf("framing %q: frame %q is not one bounded object", in, obj)
			}
		}
		var fe *FrameError
		if !errors.Is(err, io.EOF) && !errors.Is(err, ErrValueTooLarge) && !errors.As(err, &fe) {
			t.Fatalf("framing %q: unexpected error %T %v", in, err, err)
		}
	})
}
