package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	json "github.com/goccy/go-json"
)

// UnknownFieldError is returned by Decode for a field the target type does
// not have; the reference answers it with 422 "Unrecognized field: <name>".
type UnknownFieldError struct{ Field string }

func (e *UnknownFieldError) Error() string { return "Unrecognized field: " + e.Field }

// SyntaxError is returned by Decode for a body that is not one JSON value of
// the right shape; the reference answers it with 400.
type SyntaxError struct{ Msg string }

func (e *SyntaxError) Error() string { return e.Msg }

// Decode decodes exactly one JSON value from data into v, strictly: unknown
// fields are errors (*UnknownFieldError), as are trailing data and type
// mismatches (*SyntaxError).
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &SyntaxError{Msg: "Unexpected data after the JSON value."}
	}
	return nil
}

func decodeError(err error) error {
	const unknown = `json: unknown field "`
	if msg := err.Error(); strings.HasPrefix(msg, unknown) {
		return &UnknownFieldError{Field: strings.TrimSuffix(strings.TrimPrefix(msg, unknown), `"`)}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the request body"
		}
		return &SyntaxError{Msg: fmt.Sprintf("Cannot deserialize %s: expected %s, got %s.", field, jsonKind(te.Type.Kind().String()), te.Value)}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &SyntaxError{Msg: "Unexpected end of the JSON input."}
	}
	return &SyntaxError{Msg: "Malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "map", "struct":
		return "an object"
	case "slice", "array":
		return "an array"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	}
	return goKind
}

// Marshal encodes v as JSON.
func Marshal(v any) ([]byte, error) { return json.Marshal(v) }
