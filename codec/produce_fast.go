package codec

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"unicode/utf8"
)

// The streaming produce path parses one record per line of input, and the
// general decoder (goccy's Unmarshal into a struct, then a pass for unknown
// fields) copies the record twice and walks it twice: for a large record,
// twice its size in memory. parseFast reads every field of a valid record
// in one pass, without copying: partition_id, headers, key and value of any
// type (the builder's checks are parseData's), timestamp. It declines
// anything it is not sure of (an unknown or repeated field, an escaped
// field name, a null where a value should be, any mistake), which the
// general decoder then handles with all its checks and error messages. A
// fuzz test holds the two to the same result for every input parseFast
// accepts.

// parseFast parses raw when it is a valid record, with Data.Raw referring
// to raw's memory, which the data owns if owned is set; ok is false for
// anything else. Nothing is written to raw here: a record declined must
// reach the general decoder as it came.
func parseFast(raw []byte, owned bool) (req ProduceRequest, ok bool) {
	p := fastParser{raw: raw, owned: owned}
	var seenHeaders, seenTimestamp bool
	if !p.object(func(key []byte) bool {
		switch string(key) {
		case "partition_id":
			if req.PartitionID != nil {
				return false
			}
			n, ok := p.int32()
			if !ok {
				return false
			}
			req.PartitionID = &n
			return true
		case "key":
			if req.Key != nil {
				return false
			}
			req.Key, ok = p.data()
			return ok
		case "value":
			if req.Value != nil {
				return false
			}
			req.Value, ok = p.data()
			return ok
		case "headers":
			if seenHeaders {
				return false
			}
			seenHeaders = true
			req.Headers, ok = p.headers()
			return ok
		case "timestamp":
			if seenTimestamp {
				return false
			}
			seenTimestamp = true
			start := p.i
			end, err := scanJSON(p.raw, p.i)
			if err != nil {
				return false
			}
			p.i = end
			req.Timestamp, err = parseTimestamp(p.raw[start:end])
			return err == nil
		}
		return false // unknown fields: the general decoder
	}) {
		return ProduceRequest{}, false
	}
	if p.space(); p.i != len(raw) {
		return ProduceRequest{}, false
	}
	req.Size = len(raw)
	return req, true
}

// fastParser reads raw from position i; every method returns false as soon
// as the input leaves the simple shape.
type fastParser struct {
	raw   []byte
	i     int
	owned bool
}

func (p *fastParser) space() {
	for p.i < len(p.raw) {
		switch p.raw[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

// next skips white space and consumes c.
func (p *fastParser) next(c byte) bool {
	p.space()
	if p.i < len(p.raw) && p.raw[p.i] == c {
		p.i++
		return true
	}
	return false
}

// object reads an object whose members' values member reads, given their
// keys; keys must be strings without escapes.
func (p *fastParser) object(member func(key []byte) bool) bool {
	if !p.next('{') {
		return false
	}
	if p.next('}') {
		return true
	}
	for {
		key, ok := p.plainString()
		if !ok || !p.next(':') {
			return false
		}
		p.space()
		if !member(key) {
			return false
		}
		if p.next('}') {
			return true
		}
		if !p.next(',') {
			return false
		}
	}
}

// plainString reads a string of printable ASCII without escapes and
// returns its contents.
func (p *fastParser) plainString() ([]byte, bool) {
	if !p.next('"') {
		return nil, false
	}
	start := p.i
	end := bytes.IndexByte(p.raw[start:], '"')
	if end < 0 {
		return nil, false
	}
	s := p.raw[start : start+end]
	for _, c := range s {
		if c < 0x20 || c >= 0x7f || c == '\\' {
			return nil, false
		}
	}
	p.i = start + end + 1
	return s, true
}

// hasControl reports whether s has a byte below 0x20, which the decoder
// rejects in a string. STRING data is long, so it goes eight bytes at a
// time: a byte b < 0x20 is one where b-0x20 borrows into its top bit while
// b's own top bit is clear.
func hasControl(s []byte) bool {
	const highs, below = 0x8080808080808080, 0x20 * 0x0101010101010101
	for len(s) >= 8 {
		x := binary.LittleEndian.Uint64(s)
		if (x-below) & ^x & highs != 0 {
			return true
		}
		s = s[8:]
	}
	for _, c := range s {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// int32 reads an integer in int32's range, in JSON's syntax.
func (p *fastParser) int32() (int32, bool) {
	neg := p.i < len(p.raw) && p.raw[p.i] == '-'
	if neg {
		p.i++
	}
	start := p.i
	var n int64
	for p.i < len(p.raw) && p.raw[p.i] >= '0' && p.raw[p.i] <= '9' && p.i-start < 11 {
		n = n*10 + int64(p.raw[p.i]-'0')
		p.i++
	}
	digits := p.i - start
	if digits == 0 || digits > 10 || digits > 1 && p.raw[start] == '0' {
		return 0, false
	}
	if p.i < len(p.raw) {
		switch p.raw[p.i] { // a fraction or an exponent: the general decoder
		case '.', 'e', 'E':
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	if n < -1<<31 || n > 1<<31-1 {
		return 0, false
	}
	return int32(n), true
}

// headers reads null or an array of headers, each an object of a name and
// a base64 value or null.
func (p *fastParser) headers() ([]Header, bool) {
	if p.null() {
		return nil, true
	}
	if !p.next('[') {
		return nil, false
	}
	var hs []Header
	if p.next(']') {
		return hs, true
	}
	for {
		p.space()
		var h Header
		var seenName, seenValue bool
		if !p.object(func(key []byte) bool {
			switch string(key) {
			case "name":
				if seenName {
					return false
				}
				seenName = true
				name, ok := p.text()
				h.Name = string(name)
				return ok
			case "value":
				if seenValue {
					return false
				}
				seenValue = true
				if p.null() {
					return true
				}
				v, ok := p.text()
				if !ok {
					return false
				}
				// As the general decoder decodes it, string and all.
				b, err := base64.StdEncoding.DecodeString(string(v))
				h.Value = b
				return err == nil
			}
			return false
		}) {
			return nil, false
		}
		hs = append(hs, h)
		if p.next(']') {
			return hs, true
		}
		if !p.next(',') {
			return nil, false
		}
	}
}

// formatOf is the format a type field's value t names, as a constant: no
// copy of t.
func formatOf(t []byte) (Format, bool) {
	for _, f := range [...]Format{Binary, String, JSON, Avro, JSONSchema, Protobuf} {
		if string(t) == string(f) {
			return f, true
		}
	}
	return "", false
}

// null consumes a JSON null.
func (p *fastParser) null() bool {
	if bytes.HasPrefix(p.raw[p.i:], []byte("null")) {
		p.i += len("null")
		return true
	}
	return false
}

// text reads a short string (a name, a schema) and returns its characters:
// raw's memory when it has no escapes, new memory when it has.
func (p *fastParser) text() ([]byte, bool) {
	start := p.i
	end, err := scanString(p.raw, p.i, true)
	if err != nil {
		return nil, false
	}
	p.i = end
	lit := p.raw[start:end]
	if bytes.IndexByte(lit, '\\') < 0 {
		return lit[1 : len(lit)-1], true
	}
	b, err := appendText(nil, lit)
	return b, err == nil
}

// data reads a key or value: null, or an object of the fields of
// dataJSON, which parseData then checks as it checks the general
// decoder's. The data itself is any JSON, checked here as its type needs.
func (p *fastParser) data() (*Data, bool) {
	if p.null() {
		return nil, true
	}
	var in dataJSON
	var seenData, escaped, nonString bool
	str := func(dst **string) bool {
		if *dst != nil {
			return false
		}
		b, ok := p.text()
		s := string(b)
		*dst = &s
		return ok
	}
	num := func(dst **int32) bool {
		if *dst != nil {
			return false
		}
		n, ok := p.int32()
		*dst = &n
		return ok
	}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			if in.format != "" {
				return false
			}
			t, ok := p.plainString()
			if !ok {
				return false
			}
			in.format, ok = formatOf(t)
			return ok
		case "subject":
			return str(&in.Subject)
		case "subject_name_strategy":
			return str(&in.SubjectNameStrategy)
		case "schema":
			return str(&in.Schema)
		case "schema_id":
			return num(&in.SchemaID)
		case "schema_version":
			return num(&in.SchemaVersion)
		case "data":
			if seenData {
				return false
			}
			seenData = true
			if p.null() {
				return true
			}
			start := p.i
			if p.i >= len(p.raw) {
				return false
			}
			var err error
			if p.raw[p.i] == '"' {
				end := bytes.IndexByte(p.raw[p.i+1:], '"')
				if end < 0 {
					return false
				}
				end += p.i + 1
				// A backslash before the first quote: an escape, maybe of
				// that quote. The scan finds the string's real end.
				if escaped = bytes.IndexByte(p.raw[p.i+1:end], '\\') >= 0; escaped {
					end, err = scanString(p.raw, p.i, false)
				} else {
					end++
				}
				p.i = end
			} else {
				nonString = true
				p.i, err = scanJSON(p.raw, p.i)
			}
			if err != nil {
				return false
			}
			in.Data = p.raw[start:p.i:p.i]
			return true
		}
		return false
	})
	if !ok {
		return nil, false
	}
	d, err := parseData(&in)
	if err != nil {
		return nil, false
	}
	d.owned = p.owned
	if d.Raw == nil {
		return d, true
	}
	// Only now is the type known, whatever the order of the fields.
	switch {
	case nonString:
		return d, d.Format != Binary && d.Format != String // checked by the scan
	case escaped:
		// Checked by the scan as JSON; STRING stores text, which a lone
		// surrogate is not; BINARY data has no escapes in the fast path.
		switch d.Format {
		case String:
			_, err := scanString(d.Raw, 0, true)
			return d, err == nil
		case Binary:
			return nil, false
		}
		return d, true
	}
	s := d.Raw[1 : len(d.Raw)-1]
	if d.Format != Binary {
		return d, plainText(s)
	}
	if p.owned {
		// Decoded in place when serialized, never twice: what does not
		// decode is then the error the general path gives too. JSON's
		// checks come first: no control characters.
		return d, !hasControl(s) && utf8.Valid(s)
	}
	// Data that decodes holds only the alphabet and the line breaks the
	// decoder skips, which a JSON string may not hold as they are: no
	// other control character needs looking for (the SIMD decoder accepts
	// exactly what the standard one does: FuzzDecodeBase64).
	b, err := decodeBase64(s)
	if err != nil || bytes.IndexByte(s, '\n') >= 0 || bytes.IndexByte(s, '\r') >= 0 {
		return nil, false
	}
	d.binary = b
	return d, true
}

// plainText reports whether s, a string's contents without escapes, is
// what a JSON string holds as it is: UTF-8 without control characters.
func plainText(s []byte) bool { return !hasControl(s) && utf8.Valid(s) }
