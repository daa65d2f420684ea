package codec

import (
	"bytes"
	stdbase64 "encoding/base64"

	simdbase64 "github.com/segmentio/asm/base64"
)

// decodeBase64 decodes BINARY data as the reference accepts it: the
// standard alphabet, padding optional. Decoding is most of the cost of a
// streamed BINARY record, so the SIMD decoder goes first; on any error the
// standard library decides, so that exactly what it accepts is accepted
// (FuzzDecodeBase64 holds the two to that).
func decodeBase64(src []byte) ([]byte, error) {
	src = bytes.TrimRight(src, "=")
	dst := make([]byte, stdbase64.RawStdEncoding.DecodedLen(len(src)))
	return decodeBase64To(dst, src)
}

// decodeBase64To is decodeBase64 into dst, which has room for the decoded
// bytes; src has no padding.
func decodeBase64To(dst, src []byte) ([]byte, error) {
	if n, err := simdbase64.RawStdEncoding.Decode(dst, src); err == nil {
		return dst[:n], nil
	}
	n, err := stdbase64.RawStdEncoding.Decode(dst, src)
	return dst[:n], err
}

// inPlaceChunk is how much base64 decodeBase64InPlace decodes at a time: a
// multiple of 4, so that every chunk but the last is whole quanta.
const inPlaceChunk = 64 << 10

// decodeBase64InPlace is decodeBase64 into src's own memory, for data too
// large to copy: each chunk is decoded into a small buffer, then copied to
// where the decoded bytes end, which is never past what was read. On an
// error src is as it was (the decoded part is encoded back), so that the
// error can quote it.
func decodeBase64InPlace(src []byte) ([]byte, error) {
	src = bytes.TrimRight(src, "=")
	var buf [inPlaceChunk / 4 * 3]byte
	w := 0
	for r := 0; r < len(src); r += inPlaceChunk {
		chunk := src[r:min(r+inPlaceChunk, len(src))]
		b, err := decodeBase64To(buf[:], chunk)
		if err != nil {
			// Whole quanta decode one to one: encoding them back gives
			// exactly the text they came from.
			copy(src, stdbase64.RawStdEncoding.EncodeToString(src[:w]))
			return nil, err
		}
		w += copy(src[w:], b)
	}
	return src[:w], nil
}
