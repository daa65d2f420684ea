package v2

import (
	"encoding/base64"
	"strconv"

	"github.com/kafka-rest-go/kafka-rest/actors"
	"github.com/kafka-rest-go/kafka-rest/codec"
)

// appendBinaryRecord appends r as a binary records answer holds it: the
// bytes codec.Marshal writes for its v2ConsumedRecord, without reflection,
// an interface per field or a string per base64 value. A polling reader
// is answered hundreds of thousands of records a second, and the general
// encoder was most of the proxy's cost per record there.
//
// topic is the topic's name already in JSON, as a read's records share a
// few topics.
func appendBinaryRecord(dst []byte, r actors.ConsumedRecord, topic []byte) ([]byte, error) {
	dst = append(dst, `{"topic":`...)
	dst = append(dst, topic...)
	dst = append(dst, `,"key":`...)
	dst = appendBase64(dst, r.Key)
	dst = append(dst, `,"value":`...)
	dst = appendBase64(dst, r.Value)
	dst = append(dst, `,"partition":`...)
	dst = strconv.AppendInt(dst, int64(r.Partition), 10)
	dst = append(dst, `,"offset":`...)
	dst = strconv.AppendInt(dst, r.Offset, 10)
	if len(r.Headers) > 0 {
		dst = append(dst, `,"headers":[`...)
		for i, h := range r.Headers {
			if i > 0 {
				dst = append(dst, ',')
			}
			name, err := codec.Marshal(h.Key) // any string: the encoder's escaping
			if err != nil {
				return dst, err
			}
			dst = append(dst, `{"name":`...)
			dst = append(dst, name...)
			dst = append(dst, `,"value":`...)
			dst = appendBase64(dst, h.Value)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"timestamp":`...)
	dst = strconv.AppendInt(dst, r.Timestamp.UnixMilli(), 10)
	return append(dst, '}'), nil
}

// appendBase64 appends b as a JSON string of its base64, or null for nil:
// the base64 alphabet needs no JSON escaping.
func appendBase64(dst, b []byte) []byte {
	if b == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}
