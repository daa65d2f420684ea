package schema

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	json "github.com/goccy/go-json"
	"github.com/hamba/avro/v2"

	"github.com/kafka-rest-go/kafka-rest/codec"
)

// avroCodec converts between JSON in Avro's JSON encoding and Avro binary.
// hamba/avro parses the schema (named types across references included)
// and writes and reads the binary primitives; the conversion itself walks
// the schema, because no Go library reads Avro's JSON encoding (unions as
// {"type": value}, bytes as ISO-8859-1 strings) and a generic Go value
// would lose the distinctions that encoding makes. Logical types travel as
// their underlying type, as Avro's JSON encoding has them: a
// timestamp-millis is a long of milliseconds, never a reformatted date.
type avroCodec struct {
	schema avro.Schema
}

// parseAvro parses an Avro schema whose references (named types of other
// subjects) come first in refs, in dependency order.
func parseAvro(text string, refs []string) (*avroCodec, error) {
	cache := &avro.SchemaCache{}
	for _, r := range refs {
		if _, err := avro.ParseWithCache(r, "", cache); err != nil {
			return nil, fmt.Errorf("referenced schema: %w", err)
		}
	}
	s, err := avro.ParseWithCache(text, "", cache)
	if err != nil {
		return nil, err
	}
	return &avroCodec{schema: s}, nil
}

func (c *avroCodec) format() codec.Format { return codec.Avro }

// name is the schema's full name for the record name strategies: a named
// type's full name, else the primitive's name, as Confluent's AvroSchema.
func (c *avroCodec) name() string { return avroTypeName(c.schema) }

func avroTypeName(s avro.Schema) string {
	if n, ok := s.(avro.NamedSchema); ok {
		return n.FullName()
	}
	if r, ok := s.(*avro.RefSchema); ok {
		return r.Schema().FullName()
	}
	return string(s.Type())
}

func (c *avroCodec) encode(dst, data []byte) ([]byte, error) {
	if !json.Valid(data) {
		return nil, errors.New("data is not valid JSON")
	}
	w := avro.NewWriter(nil, len(data)+16)
	if err := avroWrite(w, c.schema, bytes.TrimSpace(data), "data", 0); err != nil {
		return nil, err
	}
	return append(dst, w.Buffer()...), nil
}

func (c *avroCodec) decode(payload []byte) ([]byte, error) {
	r := avro.NewReader(nil, 0).Reset(payload)
	out, err := avroRead(nil, r, c.schema, 0)
	if err != nil {
		return nil, err
	}
	if r.Error != nil {
		return nil, r.Error
	}
	return out, nil
}

// avroWrite writes raw, valid JSON in Avro's JSON encoding, as s in
// binary. The JSON is decoded as the schema walks it, each value straight
// into its Go type (a long into an int64, exactly), never into a generic
// tree. path names the place in the data for error messages.
func avroWrite(w *avro.Writer, s avro.Schema, raw []byte, path string, depth int) error {
	if depth > maxAvroDepth {
		return fmt.Errorf("%s: data nests deeper than %d levels", path, maxAvroDepth)
	}
	mismatch := func(want string) error {
		return fmt.Errorf("%s: expected %s for Avro type %s, got %s", path, want, s.Type(), jsonKind(raw))
	}
	switch s := s.(type) {
	case *avro.RefSchema:
		return avroWrite(w, s.Schema(), raw, path, depth)
	case *avro.NullSchema:
		if !isNull(raw) {
			return mismatch("null")
		}
	case *avro.PrimitiveSchema:
		switch s.Type() {
		case avro.Null:
			if !isNull(raw) {
				return mismatch("null")
			}
		case avro.Boolean:
			var b bool
			if !isBool(raw) || json.Unmarshal(raw, &b) != nil {
				return mismatch("a boolean")
			}
			w.WriteBool(b)
		case avro.Int:
			if !isNumber(raw) {
				return mismatch("a number")
			}
			i, err := strconv.ParseInt(string(raw), 10, 32)
			if err != nil {
				return fmt.Errorf("%s: %s is not an Avro int (32-bit whole number)", path, raw)
			}
			w.WriteInt(int32(i))
		case avro.Long:
			if !isNumber(raw) {
				return mismatch("a number")
			}
			i, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil {
				return fmt.Errorf("%s: %s is not an Avro long (64-bit whole number)", path, raw)
			}
			w.WriteLong(i)
		case avro.Float, avro.Double:
			f, err := jsonFloat(raw)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if s.Type() == avro.Float {
				w.WriteFloat(float32(f))
			} else {
				w.WriteDouble(f)
			}
		case avro.String:
			str, ok := jsonString(raw)
			if !ok {
				return mismatch("a string")
			}
			w.WriteString(str)
		case avro.Bytes:
			b, err := latin1(raw, path)
			if err != nil {
				return err
			}
			w.WriteBytes(b)
		default:
			return fmt.Errorf("%s: unsupported Avro type %s", path, s.Type())
		}
	case *avro.FixedSchema:
		b, err := latin1(raw, path)
		if err != nil {
			return err
		}
		if len(b) != s.Size() {
			return fmt.Errorf("%s: fixed %s needs %d bytes, got %d", path, s.FullName(), s.Size(), len(b))
		}
		_, _ = w.Write(b)
	case *avro.EnumSchema:
		str, ok := jsonString(raw)
		if !ok {
			return mismatch("a string")
		}
		for i, sym := range s.Symbols() {
			if sym == str {
				w.WriteInt(int32(i))
				return nil
			}
		}
		return fmt.Errorf("%s: %q is not a symbol of enum %s %v", path, str, s.FullName(), s.Symbols())
	case *avro.ArraySchema:
		var items []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
			return mismatch("an array")
		}
		if len(items) > 0 {
			w.WriteBlockHeader(int64(len(items)), -1)
			for i, it := range items {
				if err := avroWrite(w, s.Items(), it, path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
					return err
				}
			}
		}
		w.WriteLong(0)
	case *avro.MapSchema:
		m, ok := jsonObject(raw)
		if !ok {
			return mismatch("an object")
		}
		if len(m) > 0 {
			w.WriteBlockHeader(int64(len(m)), -1)
			// Sorted, so that the same data always makes the same bytes.
			for _, k := range slices.Sorted(maps.Keys(m)) {
				w.WriteString(k)
				if err := avroWrite(w, s.Values(), m[k], path+"."+k, depth+1); err != nil {
					return err
				}
			}
		}
		w.WriteLong(0)
	case *avro.RecordSchema:
		m, ok := jsonObject(raw)
		if !ok {
			return mismatch("an object")
		}
		given := 0
		for _, f := range s.Fields() {
			fv, ok := m[f.Name()]
			fpath := path + "." + f.Name()
			if !ok {
				if !f.HasDefault() {
					return fmt.Errorf("%s: missing field %s of record %s, which has no default", fpath, f.Name(), s.FullName())
				}
				if err := avroWriteDefault(w, f, fpath, depth+1); err != nil {
					return err
				}
				continue
			}
			given++
			if err := avroWrite(w, f.Type(), fv, fpath, depth+1); err != nil {
				return err
			}
		}
		if given < len(m) {
			// Avro's JSON decoder refuses them too; a typo would
			// otherwise silently become the field's default.
			return fmt.Errorf("%s: %s not fields of record %s", path, unknownFields(s, m), s.FullName())
		}
	case *avro.UnionSchema:
		return avroWriteUnion(w, s, raw, path, depth)
	default:
		return fmt.Errorf("%s: unsupported Avro schema %s", path, s.Type())
	}
	return nil
}

// The kinds of a JSON value, by its first byte (the value is valid JSON
// without surrounding space).
func isNull(raw []byte) bool   { return raw[0] == 'n' }
func isBool(raw []byte) bool   { return raw[0] == 't' || raw[0] == 'f' }
func isNumber(raw []byte) bool { return raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9' }

// jsonString decodes a JSON string; ok is false for any other value.
func jsonString(raw []byte) (string, bool) {
	if raw[0] != '"' {
		return "", false
	}
	if body := raw[1 : len(raw)-1]; bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return string(body), true // no escapes: the bytes are the string
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// jsonObject decodes a JSON object one level deep.
func jsonObject(raw []byte) (map[string]json.RawMessage, bool) {
	if raw[0] != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	for k, v := range m {
		m[k] = bytes.TrimSpace(v)
	}
	return m, true
}

// avroWriteUnion writes a union: null as the null branch, anything else as
// {"<branch name>": value}, as Avro's JSON encoding requires.
func avroWriteUnion(w *avro.Writer, s *avro.UnionSchema, raw []byte, path string, depth int) error {
	types := s.Types()
	if isNull(raw) {
		for i, t := range types {
			if t.Type() == avro.Null {
				w.WriteLong(int64(i))
				return nil
			}
		}
		return fmt.Errorf("%s: null is not a branch of union %s", path, unionNames(types))
	}
	m, ok := jsonObject(raw)
	if !ok || len(m) != 1 {
		return fmt.Errorf("%s: a union value must be null or an object of one member naming its branch, e.g. {\"%s\": ...}; branches: %s",
			path, firstNonNull(types), unionNames(types))
	}
	for name, bv := range m {
		for i, t := range types {
			if avroTypeName(t) == name || shortName(t) == name {
				w.WriteLong(int64(i))
				return avroWrite(w, t, bv, path+"."+name, depth+1)
			}
		}
		return fmt.Errorf("%s: %q is not a branch of union %s", path, name, unionNames(types))
	}
	return nil
}

// shortName is a named type's name without its namespace, which Avro's
// JSON decoder also accepts for a union branch.
func shortName(s avro.Schema) string {
	if n, ok := s.(avro.NamedSchema); ok {
		return n.Name()
	}
	if r, ok := s.(*avro.RefSchema); ok {
		return r.Schema().Name()
	}
	return string(s.Type())
}

func unionNames(types []avro.Schema) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = avroTypeName(t)
	}
	return fmt.Sprint(names)
}

func firstNonNull(types []avro.Schema) string {
	for _, t := range types {
		if t.Type() != avro.Null {
			return avroTypeName(t)
		}
	}
	return "null"
}

// avroWriteDefault writes a field's default. A union's default is a value
// of its first branch, not wrapped.
func avroWriteDefault(w *avro.Writer, f *avro.Field, path string, depth int) error {
	raw, err := json.Marshal(f.Default())
	if err != nil {
		return fmt.Errorf("%s: default: %w", path, err)
	}
	t := f.Type()
	if u, ok := t.(*avro.UnionSchema); ok {
		w.WriteLong(0)
		t = u.Types()[0]
	}
	return avroWrite(w, t, raw, path, depth)
}

// unknownFields lists the members of m that are not fields of s.
func unknownFields(s *avro.RecordSchema, m map[string]json.RawMessage) string {
	known := make(map[string]bool, len(s.Fields()))
	for _, f := range s.Fields() {
		known[f.Name()] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !known[k] {
			out = append(out, strconv.Quote(k))
		}
	}
	if len(out) == 1 {
		return out[0] + " is"
	}
	return strings.Join(out, ", ") + " are"
}

func jsonFloat(raw []byte) (float64, error) {
	if isNumber(raw) {
		return strconv.ParseFloat(string(raw), 64)
	}
	// Avro's JSON encoding writes these three as strings.
	switch s, _ := jsonString(raw); s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	return 0, fmt.Errorf("expected a number, got %s", jsonKind(raw))
}

// latin1 reads bytes as Avro's JSON encoding writes them: a string whose
// code points 0 to 255 are the bytes.
func latin1(raw []byte, path string) ([]byte, error) {
	s, ok := jsonString(raw)
	if !ok {
		return nil, fmt.Errorf("%s: expected a string of bytes (code points 0 to 255), got %s", path, jsonKind(raw))
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 255 {
			return nil, fmt.Errorf("%s: %q is not a code point from 0 to 255: Avro bytes are written as one character per byte", path, r)
		}
		b = append(b, byte(r))
	}
	return b, nil
}

// jsonKind names the kind of a JSON value for error messages.
func jsonKind(raw []byte) string {
	switch {
	case isNull(raw):
		return "null"
	case isBool(raw):
		return "a boolean"
	case isNumber(raw):
		return "a number"
	case raw[0] == '"':
		return "a string"
	case raw[0] == '[':
		return "an array"
	}
	return "an object"
}

// avroRead reads s in binary from r and appends it to out in Avro's JSON
// encoding, as Confluent's AvroSchemaUtils.toJson writes it.
func avroRead(out []byte, r *avro.Reader, s avro.Schema, depth int) ([]byte, error) {
	if depth > maxAvroDepth {
		return nil, fmt.Errorf("the Avro data nests deeper than %d levels", maxAvroDepth)
	}
	if r.Error != nil {
		return nil, r.Error
	}
	switch s := s.(type) {
	case *avro.RefSchema:
		return avroRead(out, r, s.Schema(), depth)
	case *avro.NullSchema:
		return append(out, "null"...), nil
	case *avro.PrimitiveSchema:
		switch s.Type() {
		case avro.Null:
			return append(out, "null"...), nil
		case avro.Boolean:
			return strconv.AppendBool(out, r.ReadBool()), nil
		case avro.Int:
			return strconv.AppendInt(out, int64(r.ReadInt()), 10), nil
		case avro.Long:
			return strconv.AppendInt(out, r.ReadLong(), 10), nil
		case avro.Float:
			return appendFloat(out, float64(r.ReadFloat()), 32), nil
		case avro.Double:
			return appendFloat(out, r.ReadDouble(), 64), nil
		case avro.String:
			s := r.ReadString()
			if !utf8.ValidString(s) {
				return nil, errors.New("an Avro string is not valid UTF-8")
			}
			return appendJSONString(out, s), nil
		case avro.Bytes:
			return appendLatin1(out, r.ReadBytes()), nil
		}
	case *avro.FixedSchema:
		b := make([]byte, s.Size())
		r.Read(b)
		return appendLatin1(out, b), nil
	case *avro.EnumSchema:
		i := r.ReadInt()
		sym, ok := s.Symbol(int(i))
		if !ok {
			return nil, fmt.Errorf("enum index %d is not a symbol of %s", i, s.FullName())
		}
		return appendJSONString(out, sym), nil
	case *avro.ArraySchema:
		out = append(out, '[')
		out, err := avroBlocks(out, r, func(out []byte) ([]byte, error) {
			return avroRead(out, r, s.Items(), depth+1)
		})
		if err != nil {
			return nil, err
		}
		return append(out, ']'), nil
	case *avro.MapSchema:
		out = append(out, '{')
		out, err := avroBlocks(out, r, func(out []byte) ([]byte, error) {
			out = appendJSONString(out, r.ReadString())
			return avroRead(append(out, ':'), r, s.Values(), depth+1)
		})
		if err != nil {
			return nil, err
		}
		return append(out, '}'), nil
	case *avro.RecordSchema:
		out = append(out, '{')
		for i, f := range s.Fields() {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendJSONString(out, f.Name())
			out = append(out, ':')
			var err error
			if out, err = avroRead(out, r, f.Type(), depth+1); err != nil {
				return nil, err
			}
		}
		return append(out, '}'), nil
	case *avro.UnionSchema:
		i := r.ReadLong()
		if r.Error != nil {
			return nil, r.Error
		}
		types := s.Types()
		if i < 0 || int(i) >= len(types) {
			return nil, fmt.Errorf("union branch %d is not one of the %d branches", i, len(types))
		}
		t := types[i]
		if t.Type() == avro.Null {
			return append(out, "null"...), nil
		}
		out = append(out, '{')
		out = appendJSONString(out, avroTypeName(t))
		out = append(out, ':')
		out, err := avroRead(out, r, t, depth+1)
		if err != nil {
			return nil, err
		}
		return append(out, '}'), nil
	}
	return nil, fmt.Errorf("unsupported Avro schema %s", s.Type())
}

// maxAvroDepth bounds how deep data of a recursive schema may nest, so that
// a hostile record cannot exhaust the stack.
const maxAvroDepth = 1000

// maxBlockItems bounds the items of one array or map block, so that a
// hostile count of zero-byte items (nulls) cannot make a read spin.
const maxBlockItems = 1 << 20

// avroBlocks reads the blocks of an array or a map, each item with item,
// comma-separated.
func avroBlocks(out []byte, r *avro.Reader, item func([]byte) ([]byte, error)) ([]byte, error) {
	first := true
	for {
		n, _ := r.ReadBlockHeader()
		if r.Error != nil {
			return nil, r.Error
		}
		if n == 0 {
			return out, nil
		}
		if n < 0 || n > maxBlockItems {
			return nil, fmt.Errorf("an Avro block of %d items is beyond the bound of %d", n, maxBlockItems)
		}
		for ; n > 0; n-- {
			if !first {
				out = append(out, ',')
			}
			first = false
			var err error
			if out, err = item(out); err != nil {
				return nil, err
			}
			if r.Error != nil {
				return nil, r.Error
			}
		}
	}
}

// appendFloat writes a float as Avro's JSON encoder does: NaN and the
// infinities as strings, JSON having no numbers for them.
func appendFloat(out []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(out, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(out, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(out, `"-Infinity"`...)
	}
	return strconv.AppendFloat(out, f, 'g', -1, bits)
}

func appendLatin1(out, b []byte) []byte {
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return appendJSONString(out, string(rs))
}

// appendJSONString appends s as a JSON string.
func appendJSONString(out []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return append(out, b...)
}
