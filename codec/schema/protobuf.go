package schema

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bufbuild/protocompile"
	json "github.com/goccy/go-json"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kafka-rest-go/kafka-rest/codec"
)

// protobufCodec converts between JSON (protobuf's canonical JSON mapping)
// and protobuf binary with dynamic messages of a schema compiled at run
// time. Produced records use the schema's first message, as Confluent's
// serializer does by default.
type protobufCodec struct {
	file    protoreflect.FileDescriptor
	message protoreflect.MessageDescriptor
	index   []int
}

// mainFile is the name the compiled schema goes by; its imports are the
// names of its references.
const mainFile = "__schema__.proto"

// parseProtobuf compiles a .proto schema whose imports are in refs (import
// name to schema text). A schema may also be a base64 FileDescriptorProto,
// the form Confluent's Python serializer registers.
func parseProtobuf(text string, refs map[string]string) (*protobufCodec, error) {
	files := map[string]string{mainFile: text}
	for name, t := range refs {
		files[name] = t
	}
	resolver := protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		t, ok := files[path]
		if !ok {
			return protocompile.SearchResult{}, fmt.Errorf("import %q is not among the schema's references: %w", path, errNotFound)
		}
		if fd := descriptorProto(t); fd != nil {
			fd.Name = proto.String(path)
			return protocompile.SearchResult{Proto: fd}, nil
		}
		return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(t))}, nil
	}))
	c := protocompile.Compiler{Resolver: resolver, MaxParallelism: 1}
	out, err := c.Compile(context.Background(), mainFile)
	if err != nil {
		return nil, err
	}
	fd := out[0]
	if fd.Messages().Len() == 0 {
		return nil, errors.New("the schema defines no message")
	}
	return &protobufCodec{file: fd, message: fd.Messages().Get(0), index: []int{0}}, nil
}

var errNotFound = errors.New("not found")

// descriptorProto reads a base64 FileDescriptorProto, or returns nil for
// anything else (schema text).
func descriptorProto(t string) *descriptorpb.FileDescriptorProto {
	t = strings.TrimSpace(t)
	if t == "" || strings.ContainsAny(t, " \n\t{;") {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(t)
	if err != nil {
		return nil
	}
	fd := &descriptorpb.FileDescriptorProto{}
	if proto.Unmarshal(b, fd) != nil {
		return nil
	}
	return fd
}

func (c *protobufCodec) format() codec.Format { return codec.Protobuf }

// name is the first message's full name, the record name strategies' name.
func (c *protobufCodec) name() string { return string(c.message.FullName()) }

func (c *protobufCodec) encode(dst, data []byte) ([]byte, error) {
	m := dynamicpb.NewMessage(c.message)
	if err := protojson.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("data does not match message %s: %w", c.message.FullName(), err)
	}
	dst = appendIndex(dst, c.index)
	// Deterministic: fields in number order and maps sorted, as
	// Confluent's serializer writes them, the same bytes for the same data.
	return proto.MarshalOptions{Deterministic: true}.MarshalAppend(dst, m)
}

// appendIndex writes the message indexes of Confluent's wire format: zig-zag
// varints, a count then the path; [0] is the single byte 0.
func appendIndex(dst []byte, index []int) []byte {
	if len(index) == 1 && index[0] == 0 {
		return append(dst, 0)
	}
	dst = binary.AppendVarint(dst, int64(len(index)))
	for _, i := range index {
		dst = binary.AppendVarint(dst, int64(i))
	}
	return dst
}

// maxIndexDepth bounds the message indexes read from a record, so that
// hostile bytes cannot make the proxy allocate a large path.
const maxIndexDepth = 64

func (c *protobufCodec) decode(payload []byte) ([]byte, error) {
	index, rest, err := (&sr.ConfluentHeader{}).DecodeIndex(payload, maxIndexDepth)
	if err != nil {
		return nil, fmt.Errorf("reading the message indexes: %w", err)
	}
	md, err := messageAt(c.file, index)
	if err != nil {
		return nil, err
	}
	m := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(rest, m); err != nil {
		return nil, fmt.Errorf("reading message %s: %w", md.FullName(), err)
	}
	// Confluent's ProtobufSchemaUtils.toJson prints default values too.
	out, err := protojson.MarshalOptions{EmitUnpopulated: true}.Marshal(m)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// messageAt finds the message at a path of indexes: the top-level message,
// then nested ones.
func messageAt(fd protoreflect.FileDescriptor, index []int) (protoreflect.MessageDescriptor, error) {
	var md protoreflect.MessageDescriptor
	msgs := fd.Messages()
	for _, i := range index {
		if i < 0 || i >= msgs.Len() {
			return nil, fmt.Errorf("message index %v is not in the schema", index)
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	if md == nil {
		return nil, errors.New("empty message index")
	}
	return md, nil
}

// SerializedProtobuf compiles a .proto schema, whose imports are in refs
// (import name to schema text), into a serialized FileDescriptorProto: what
// Confluent's registry answers for a Protobuf schema asked for with
// ?format=serialized. ok is false for a schema that already is in that
// form, or is not Protobuf text.
func SerializedProtobuf(text string, refs map[string]string) (b []byte, ok bool, err error) {
	if descriptorProto(text) != nil {
		return nil, false, nil
	}
	p, err := parseProtobuf(text, refs)
	if err != nil {
		return nil, false, err
	}
	b, err = proto.Marshal(protodesc.ToFileDescriptorProto(p.file))
	return b, err == nil, err
}
