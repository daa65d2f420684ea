package codec

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestLatin1Reader(t *testing.T) {
	in := "J\xfcrgen \xe9t\xe9 \xff\x80 ascii"
	want := "Jürgen été ÿ\u0080 ascii"
	for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in)), iotest.HalfReader(strings.NewReader(in))} {
		got, err := io.ReadAll(iotest.OneByteReader(Latin1Reader(r)))
		if err != nil || string(got) != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
	if err := iotest.TestReader(Latin1Reader(strings.NewReader(in)), []byte(want)); err != nil {
		t.Fatal(err)
	}
}
