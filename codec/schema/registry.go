package schema

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"time"

	json "github.com/goccy/go-json"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/kafka-rest-go/kafka-rest/codec"
)

// Strategy names how a subject is made from a topic and a schema.
type Strategy string

// The subject name strategies of Confluent's serializers.
const (
	TopicName       Strategy = codec.TopicName
	RecordName      Strategy = codec.RecordName
	TopicRecordName Strategy = codec.TopicRecordName
)

// Config configures the registry client.
type Config struct {
	// URLs are the Schema Registry's base URLs.
	URLs []string
	// BasicAuthUser and BasicAuthPassword, when the user is set, are sent
	// with every request.
	BasicAuthUser, BasicAuthPassword string
	// BearerToken, when set, is sent with every request instead.
	BearerToken string
	// TLS is the client TLS of https URLs; nil means the system's roots.
	TLS *tls.Config
	// Timeout bounds one call to the registry.
	Timeout time.Duration
	// KeyStrategy and ValueStrategy make subjects when a request names
	// neither a subject nor a strategy.
	KeyStrategy, ValueStrategy Strategy
	// CacheSize bounds each of the caches: schemas by id, schemas by
	// subject and version, registered schemas by subject and text, and
	// parsed schemas.
	CacheSize int
	// LatestTTL is how long the latest schema of a subject is reused
	// before the registry is asked again (0: always ask). A schema this
	// proxy registers is the latest at once.
	LatestTTL time.Duration
	// NullPublishesEmpty makes schema-typed null data an empty record
	// rather than a null one (null.request.body.always.publishes.empty.record).
	NullPublishesEmpty bool
}

// DefaultConfig is a client of http://localhost:8081, the reference's
// default.
func DefaultConfig() Config {
	return Config{URLs: []string{"http://localhost:8081"}, Timeout: 30 * time.Second,
		KeyStrategy: TopicName, ValueStrategy: TopicName, CacheSize: 1000, LatestTTL: time.Second}
}

// Registry resolves, caches and applies schemas: it is the
// codec.Serializer of a proxy with a Schema Registry, and its Decode reads
// records of the schema formats back to JSON.
type Registry struct {
	cfg Config
	cl  *sr.Client

	byID      *lru.Cache[int, sr.Schema]
	byVersion *lru.Cache[subjectVersion, sr.SubjectSchema]
	// registered maps a subject and a schema's text to its id and version.
	registered *lru.Cache[subjectText, sr.SubjectSchema]
	// parsed holds ready codecs by schema id, and by type and text for
	// raw schemas before their id is known.
	parsed *lru.Cache[parsedKey, parsedSchema]
	latest *lru.Cache[string, latestEntry]
	// subjects are the subjects of a schema id, as a read last learnt
	// them.
	subjects *lru.Cache[int, []string]
}

type subjectVersion struct {
	subject string
	version int
}

type subjectText struct {
	subject string
	typ     sr.SchemaType
	text    string
}

type parsedKey struct {
	id   int
	typ  sr.SchemaType
	text string
}

type latestEntry struct {
	schema sr.SubjectSchema
	at     time.Time
}

// New builds a registry client; it does not call the registry.
func New(cfg Config) (*Registry, error) {
	if len(cfg.URLs) == 0 {
		return nil, errors.New("schema registry: no URL (set schema.registry.url)")
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = DefaultConfig().CacheSize
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultConfig().Timeout
	}
	opts := []sr.ClientOpt{sr.URLs(append([]string(nil), cfg.URLs...)...), sr.UserAgent("kafka-rest"),
		sr.HTTPClient(&http.Client{Timeout: cfg.Timeout})}
	if cfg.TLS != nil {
		opts = append(opts, sr.DialTLSConfig(cfg.TLS))
	}
	switch {
	case cfg.BearerToken != "":
		opts = append(opts, sr.BearerToken(cfg.BearerToken))
	case cfg.BasicAuthUser != "":
		opts = append(opts, sr.BasicAuth(cfg.BasicAuthUser, cfg.BasicAuthPassword))
	}
	cl, err := sr.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("schema registry client: %w", err)
	}
	r := &Registry{cfg: cfg, cl: cl}
	// lru.New fails only for a size below 1, excluded above.
	r.byID, _ = lru.New[int, sr.Schema](cfg.CacheSize)
	r.byVersion, _ = lru.New[subjectVersion, sr.SubjectSchema](cfg.CacheSize)
	r.registered, _ = lru.New[subjectText, sr.SubjectSchema](cfg.CacheSize)
	r.parsed, _ = lru.New[parsedKey, parsedSchema](cfg.CacheSize)
	r.latest, _ = lru.New[string, latestEntry](cfg.CacheSize)
	r.subjects, _ = lru.New[int, []string](cfg.CacheSize)
	return r, nil
}

// schemaByID is the schema of an id; ids never change meaning.
func (r *Registry) schemaByID(ctx context.Context, id int) (sr.Schema, error) {
	if s, ok := r.byID.Get(id); ok {
		return s, nil
	}
	s, err := r.cl.SchemaByID(ctx, id)
	if err != nil {
		return sr.Schema{}, err
	}
	r.byID.Add(id, s)
	return s, nil
}

// schemaByVersion is a subject's schema of a version (not latest).
func (r *Registry) schemaByVersion(ctx context.Context, subject string, version int) (sr.SubjectSchema, error) {
	k := subjectVersion{subject, version}
	if s, ok := r.byVersion.Get(k); ok {
		return s, nil
	}
	s, err := r.cl.SchemaByVersion(ctx, subject, version)
	if err != nil {
		return sr.SubjectSchema{}, err
	}
	r.byVersion.Add(k, s)
	r.byID.Add(s.ID, s.Schema)
	return s, nil
}

// latestSchema is a subject's latest schema, reused for LatestTTL.
func (r *Registry) latestSchema(ctx context.Context, subject string) (sr.SubjectSchema, error) {
	if e, ok := r.latest.Get(subject); ok && time.Since(e.at) < r.cfg.LatestTTL {
		return e.schema, nil
	}
	s, err := r.cl.SchemaByVersion(ctx, subject, -1)
	if err != nil {
		return sr.SubjectSchema{}, err
	}
	r.latest.Add(subject, latestEntry{s, time.Now()})
	r.byID.Add(s.ID, s.Schema)
	return s, nil
}

// lookup finds a schema's id and version under a subject; with register,
// a schema the subject lacks is registered first.
func (r *Registry) lookup(ctx context.Context, subject string, s sr.Schema, register bool) (sr.SubjectSchema, error) {
	k := subjectText{subject, s.Type, s.Schema}
	if ss, ok := r.registered.Get(k); ok {
		return ss, nil
	}
	ss, err := r.cl.LookupSchema(ctx, subject, s)
	if err != nil && register && isNotFound(err) {
		if _, err = r.cl.RegisterSchema(ctx, subject, s, -1, -1); err != nil {
			return sr.SubjectSchema{}, err
		}
		r.latest.Remove(subject) // it may be the subject's new latest
		ss, err = r.cl.LookupSchema(ctx, subject, s)
	}
	if err != nil {
		return sr.SubjectSchema{}, err
	}
	r.registered.Add(k, ss)
	r.byID.Add(ss.ID, s)
	return ss, nil
}

// isNotFound reports a registry 404 of a subject, version or schema.
func isNotFound(err error) bool {
	var re *sr.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// parsedSchema is a schema ready to convert data: one of the three formats.
type parsedSchema interface {
	format() codec.Format
	// name is the record name of the record name strategies.
	name() string
	// encode appends the payload of JSON data to dst (which holds the
	// wire format's header); Protobuf's message indexes come first.
	encode(dst, data []byte) ([]byte, error)
	// decode turns a payload (after the schema id) into JSON.
	decode(payload []byte) ([]byte, error)
}

// parse makes a codec of a schema, with its references fetched from the
// registry. id is 0 for a schema not registered yet.
func (r *Registry) parse(ctx context.Context, id int, s sr.Schema) (parsedSchema, error) {
	k := parsedKey{id: id}
	if id == 0 {
		k = parsedKey{typ: s.Type, text: s.Schema}
	}
	if p, ok := r.parsed.Get(k); ok {
		return p, nil
	}
	refs, err := r.references(ctx, s, 0)
	if err != nil {
		return nil, err
	}
	var p parsedSchema
	switch s.Type {
	case sr.TypeAvro:
		texts := make([]string, len(refs))
		for i, ref := range refs {
			texts[i] = ref.text
		}
		p, err = parseAvro(s.Schema, texts)
	case sr.TypeProtobuf:
		p, err = parseProtobuf(s.Schema, refMap(refs))
	case sr.TypeJSON:
		p, err = parseJSONSchema(s.Schema, refMap(refs))
	default:
		err = fmt.Errorf("unknown schema type %v", s.Type)
	}
	if err != nil {
		return nil, &invalidSchemaError{err}
	}
	r.parsed.Add(k, p)
	return p, nil
}

// invalidSchemaError is a schema that does not parse.
type invalidSchemaError struct{ err error }

func (e *invalidSchemaError) Error() string { return e.err.Error() }
func (e *invalidSchemaError) Unwrap() error { return e.err }

type reference struct{ name, text string }

// maxReferenceDepth bounds how deep references may nest, so that a cycle
// in the registry cannot loop for ever.
const maxReferenceDepth = 32

// references fetches a schema's references, transitively, dependencies
// first (Avro named types must be known before they are used).
func (r *Registry) references(ctx context.Context, s sr.Schema, depth int) ([]reference, error) {
	if len(s.References) == 0 {
		return nil, nil
	}
	if depth > maxReferenceDepth {
		return nil, fmt.Errorf("schema references nest deeper than %d", maxReferenceDepth)
	}
	var out []reference
	seen := make(map[string]bool)
	for _, ref := range s.References {
		rs, err := r.schemaByVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return nil, fmt.Errorf("reference %s (subject %s, version %d): %w", ref.Name, ref.Subject, ref.Version, err)
		}
		sub, err := r.references(ctx, rs.Schema, depth+1)
		if err != nil {
			return nil, err
		}
		for _, x := range append(sub, reference{ref.Name, rs.Schema.Schema}) {
			if !seen[x.name] {
				seen[x.name] = true
				out = append(out, x)
			}
		}
	}
	return out, nil
}

func refMap(refs []reference) map[string]string {
	m := make(map[string]string, len(refs))
	for _, r := range refs {
		m[r.name] = r.text
	}
	return m
}

// formatTypes pairs each schema format with the registry's type of it.
type formatType struct {
	f codec.Format
	t sr.SchemaType
}

func formatTypes() [3]formatType {
	return [3]formatType{{codec.Avro, sr.TypeAvro}, {codec.Protobuf, sr.TypeProtobuf}, {codec.JSONSchema, sr.TypeJSON}}
}

// schemaType is the registry's type of a format.
func schemaType(f codec.Format) sr.SchemaType {
	for _, x := range formatTypes() {
		if x.f == f {
			return x.t
		}
	}
	return sr.TypeAvro
}

// formatOf is the format of a registry type.
func formatOf(t sr.SchemaType) codec.Format {
	for _, x := range formatTypes() {
		if x.t == t {
			return x.f
		}
	}
	return codec.Avro
}

func compactJSON(buf *bytes.Buffer, data []byte) error {
	return json.Compact(buf, data)
}
