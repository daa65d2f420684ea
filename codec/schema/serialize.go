package schema

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/kafka-rest-go/kafka-rest/codec"
	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// resolved is the schema a key or value is written with.
type resolved struct {
	id, version int
	subject     string
	p           parsedSchema
}

// Serialize implements codec.Serializer: BINARY, JSON and STRING as
// without a registry; the schema formats resolved as the reference's
// SchemaManagerImpl does (a raw schema, registered when the subject lacks
// it; a schema id; a subject's version; or the subject's latest schema)
// and written in Confluent's wire format.
//
// A Data with a Format and a SchemaID is v2's key_schema_id form: the
// schema must be of that format, and no version is looked up.
func (r *Registry) Serialize(ctx context.Context, topic string, isKey bool, d *codec.Data) (codec.Serialized, error) {
	if d == nil || !d.UsesSchema() {
		return codec.SerializeSchemaless(d)
	}
	if d.Format == "" && d.Raw == nil && d.Schema == nil && d.SchemaID == nil && d.SchemaVersion == nil {
		return codec.Serialized{}, nil // no data and no schema: a null key or value, no lookup
	}
	res, err := r.resolve(ctx, topic, isKey, d)
	if err != nil {
		return codec.Serialized{}, err
	}
	id := int32(res.id)
	out := codec.Serialized{Format: res.p.format(), Subject: res.subject, SchemaID: &id}
	if res.version > 0 {
		v := int32(res.version)
		out.SchemaVersion = &v
	}
	if d.Raw == nil {
		if r.cfg.NullPublishesEmpty {
			out.Bytes = []byte{}
		}
		return out, nil
	}
	b := make([]byte, 5, 5+len(d.Raw)+8)
	binary.BigEndian.PutUint32(b[1:], uint32(res.id))
	if out.Bytes, err = res.p.encode(b, d.Raw); err != nil {
		return codec.Serialized{}, apierr.New(apierr.CodeBadRequest, "Bad Request: Failed to convert JSON to %s: %s", res.p.format(), err.Error())
	}
	return out, nil
}

func (r *Registry) resolve(ctx context.Context, topic string, isKey bool, d *codec.Data) (resolved, error) {
	switch {
	case d.Schema != nil:
		s := sr.Schema{Schema: *d.Schema, Type: schemaType(d.Format)}
		p, err := r.parse(ctx, 0, s)
		if err != nil {
			return resolved{}, rawSchemaFailure(err)
		}
		subject, err := r.subject(topic, isKey, d, p)
		if err != nil {
			return resolved{}, err
		}
		ss, err := r.lookup(ctx, subject, s, true)
		if err != nil {
			return resolved{}, registryFailure(err, fmt.Sprintf("Error when registering schema. format = %s, subject = %s", p.format(), subject))
		}
		return resolved{ss.ID, ss.Version, subject, p}, nil

	case d.SchemaID != nil:
		id := int(*d.SchemaID)
		s, err := r.schemaByID(ctx, id)
		if err != nil {
			return resolved{}, registryFailure(err, fmt.Sprintf("Error when fetching schema by id. schemaId = %d", id))
		}
		if d.Format != "" && formatOf(s.Type) != d.Format {
			return resolved{}, serializeError(fmt.Sprintf("Schema %d is a %s schema, not %s.", id, formatOf(s.Type), d.Format))
		}
		p, err := r.parse(ctx, id, s)
		if err != nil {
			return resolved{}, schemaFailure(err, id)
		}
		subject, err := r.subject(topic, isKey, d, p)
		if err != nil {
			return resolved{}, err
		}
		if d.Format != "" {
			return resolved{id: id, subject: subject, p: p}, nil
		}
		ss, err := r.lookup(ctx, subject, s, false)
		if err != nil {
			return resolved{}, registryFailure(err, fmt.Sprintf("Error when fetching schema version. subject = %s, schemaId = %d", subject, id))
		}
		return resolved{id, ss.Version, subject, p}, nil

	case d.SchemaVersion != nil:
		subject, err := r.subject(topic, isKey, d, nil)
		if err != nil {
			return resolved{}, err
		}
		v := int(*d.SchemaVersion)
		ss, err := r.schemaByVersion(ctx, subject, v)
		if isNotFound(err) {
			return resolved{}, apierr.New(apierr.CodeBadRequest, "Bad Request: Schema does not exist for subject: %s, version: %d", subject, v)
		}
		if err != nil {
			return resolved{}, registryFailure(err, fmt.Sprintf("Error when fetching schema version. subject = %s, version = %d", subject, v))
		}
		p, err := r.parse(ctx, ss.ID, ss.Schema)
		if err != nil {
			return resolved{}, schemaFailure(err, ss.ID)
		}
		return resolved{ss.ID, ss.Version, subject, p}, nil
	}
	subject, err := r.subject(topic, isKey, d, nil)
	if err != nil {
		return resolved{}, err
	}
	ss, err := r.latestSchema(ctx, subject)
	if err != nil {
		return resolved{}, registryFailure(err, "Error when fetching latest schema version. subject = "+subject)
	}
	p, err := r.parse(ctx, ss.ID, ss.Schema)
	if err != nil {
		return resolved{}, schemaFailure(err, ss.ID)
	}
	return resolved{ss.ID, ss.Version, subject, p}, nil
}

// subject is the subject a request names, or the one its strategy (else
// the configured default) makes of the topic and the schema; p is nil when
// no schema is known yet.
func (r *Registry) subject(topic string, isKey bool, d *codec.Data, p parsedSchema) (string, error) {
	if d.Subject != "" {
		return d.Subject, nil
	}
	strategy := Strategy(d.Strategy)
	if strategy == "" {
		strategy = r.cfg.ValueStrategy
		if isKey {
			strategy = r.cfg.KeyStrategy
		}
	}
	switch strategy {
	case RecordName, TopicRecordName:
		if p == nil {
			return "", apierr.New(apierr.CodeBadRequest, "Bad Request: Cannot use schema_subject_strategy=%s without schema_id or schema.", strategy)
		}
		if strategy == RecordName {
			return p.name(), nil
		}
		return topic + "-" + p.name(), nil
	}
	if isKey {
		return topic + "-key", nil
	}
	return topic + "-value", nil
}

// serializeError is the reference's 42207 for a schema that cannot be
// used.
func serializeError(msg string) *apierr.Error {
	return apierr.New(apierr.CodeSerializeFailed, "Error serializing message. %s", msg)
}

// registryFailure answers a failed registry call: the registry's own
// refusal of the proxy's credentials as 401/403, anything else as the
// reference's 42207 with what was being done.
func registryFailure(err error, doing string) error {
	var re *sr.ResponseError
	if errors.As(err, &re) {
		switch {
		case re.StatusCode == http.StatusUnauthorized:
			return apierr.New(apierr.CodeKafkaAuthentication, "Schema Registry authentication failed: %s", re.Error())
		case re.StatusCode == http.StatusForbidden || re.ErrorCode == 40301:
			return apierr.New(apierr.CodeKafkaAuthorization, "Not authorized by the Schema Registry: %s", re.Error())
		}
	}
	if ce, ok := apierr.As(err); ok {
		return ce
	}
	return serializeError(doing)
}

// rawSchemaFailure answers a raw schema of the request that cannot be
// used: one that does not parse is the request's mistake, a 400.
func rawSchemaFailure(err error) error {
	var ie *invalidSchemaError
	if errors.As(err, &ie) {
		return apierr.New(apierr.CodeBadRequest, "Bad Request: Invalid schema: %s", ie.Error())
	}
	return referencesFailure(err)
}

// schemaFailure answers a registered schema that cannot be used: one that
// does not parse is the reference's 42205.
func schemaFailure(err error, id int) error {
	var ie *invalidSchemaError
	if errors.As(err, &ie) {
		return apierr.New(apierr.CodeInvalidSchema, "Invalid schema: schema %d: %s", id, ie.Error())
	}
	return referencesFailure(err)
}

// referencesFailure answers a failure to fetch a schema's references.
func referencesFailure(err error) error {
	return registryFailure(err, "Error when fetching schema references: "+err.Error())
}
