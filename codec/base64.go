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
	if n, err := simdbase64.RawStdEncoding.Decode(dst, src); err == nil {
		return dst[:n], nil
	}
	n, err := stdbase64.RawStdEncoding.Decode(dst, src)
	return dst[:n], err
}
