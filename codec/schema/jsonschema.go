package schema

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kafka-rest-go/kafka-rest/codec"
)

// jsonSchemaCodec validates JSON against a JSON Schema; the payload is the
// JSON itself, compact, as Confluent's JSON Schema serializer writes it.
type jsonSchemaCodec struct {
	schema *jsonschema.Schema
	title  string
}

// jsonSchemaBase is where a schema and its references live while they are
// compiled: a reference's name resolves against it, as the registry's
// references name other schemas.
const jsonSchemaBase = "https://schema-registry.invalid/schemas/"

// noLoader refuses every URL a schema names that is not one of its
// references: a schema from a client must never make the proxy read a
// file or reach a server.
type noLoader struct{}

func (noLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("%s is not among the schema's references", u)
}

// parseJSONSchema compiles a JSON Schema whose references are in refs
// (reference name to schema text). Schemas without $schema are draft 7,
// Confluent's default.
func parseJSONSchema(text string, refs map[string]string) (*jsonSchemaCodec, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(noLoader{})
	add := func(name, t string) (any, error) {
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(t))
		if err != nil {
			return nil, fmt.Errorf("schema %s is not JSON: %w", name, err)
		}
		if err := c.AddResource(refURL(name), doc); err != nil {
			return nil, err
		}
		return doc, nil
	}
	for name, t := range refs {
		if _, err := add(name, t); err != nil {
			return nil, err
		}
	}
	const main = "__schema__.json"
	doc, err := add(main, text)
	if err != nil {
		return nil, err
	}
	sch, err := c.Compile(refURL(main))
	if err != nil {
		var sve *jsonschema.SchemaValidationError
		if errors.As(err, &sve) {
			return nil, fmt.Errorf("not a valid JSON Schema: %s", validationMessage(sve.Err))
		}
		return nil, err
	}
	title := "JsonSchema" // Confluent's name for a schema without a title
	if m, ok := doc.(map[string]any); ok {
		if t, ok := m["title"].(string); ok && t != "" {
			title = t
		}
	}
	return &jsonSchemaCodec{schema: sch, title: title}, nil
}

// refURL is where a reference name lives: an absolute URL as it is, any
// other name under jsonSchemaBase.
func refURL(name string) string {
	if u, err := url.Parse(name); err == nil && u.IsAbs() {
		return name
	}
	return jsonSchemaBase + name
}

func (c *jsonSchemaCodec) format() codec.Format { return codec.JSONSchema }

// name is the schema's title, the record name strategies' name.
func (c *jsonSchemaCodec) name() string { return c.title }

// encode appends data to dst as Confluent's JSON Schema serializer writes
// it, compact UTF-8 JSON (codec.AppendCompactJSON), once it matches the
// schema.
func (c *jsonSchemaCodec) encode(dst, data []byte) ([]byte, error) {
	out, err := codec.AppendCompactJSON(dst, data)
	if err != nil {
		return nil, fmt.Errorf("data is not valid JSON: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out[len(dst):]))
	if err != nil {
		return nil, fmt.Errorf("data is not valid JSON: %w", err)
	}
	if err := c.schema.Validate(v); err != nil {
		return nil, fmt.Errorf("data does not match the JSON Schema: %s", validationMessage(err))
	}
	return out, nil
}

func (c *jsonSchemaCodec) decode(payload []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := compactJSON(&buf, payload); err != nil {
		return nil, fmt.Errorf("the payload is not JSON: %w", err)
	}
	return buf.Bytes(), nil
}

// validationMessage is a validation error on one line: the library writes
// one line per failing keyword.
func validationMessage(err error) string {
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		return strings.Join(strings.Fields(fmt.Sprintf("%v", ve)), " ")
	}
	return err.Error()
}
