package codec

import (
	"bytes"

	json "github.com/goccy/go-json"
)

// Decoding with goccy's Unmarshal is several times faster than with its
// streaming decoder, the only one of its decoders that rejects unknown
// fields: so a produce record is decoded fast and its keys are checked
// here, in one pass over its bytes.

// recordField reports whether key is a field of a v3 produce record.
func recordField(key []byte) bool {
	switch string(key) {
	case "partition_id", "headers", "key", "value", "timestamp":
		return true
	}
	return false
}

// dataField reports whether key is a field of a record's key or value.
func dataField(key []byte) bool {
	switch string(key) {
	case "type", "subject", "subject_name_strategy", "schema_id", "schema_version", "schema", "data":
		return true
	}
	return false
}

// unknownField returns the first field of the record in raw, or of its key
// or value object, that the reference's produce request does not have. raw
// must be one well-formed JSON object (the decoder has checked it).
func unknownField(raw []byte) (string, bool) {
	return objectKeys(raw, recordField, func(key, val []byte) (string, bool) {
		if (string(key) == "key" || string(key) == "value") && len(val) > 0 && val[0] == '{' {
			return objectKeys(val, dataField, nil)
		}
		return "", false
	})
}

// objectKeys walks the keys of the object in raw; a key not in known is
// returned at once. nested, if not nil, is called with each known key and
// its value.
func objectKeys(raw []byte, known func([]byte) bool, nested func(key, val []byte) (string, bool)) (string, bool) {
	i := skipSpace(raw, skipSpace(raw, 0)+1) // past '{'
	for i < len(raw) && raw[i] != '}' {
		end := stringEnd(raw, i)
		key := raw[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			var s string
			if json.Unmarshal(raw[i:end], &s) == nil {
				key = []byte(s)
			}
		}
		if !known(key) {
			return string(key), true
		}
		i = skipSpace(raw, end)
		i = skipSpace(raw, i+1) // past ':'
		vend := valueEnd(raw, i)
		if nested != nil {
			if name, bad := nested(key, raw[i:vend]); bad {
				return name, true
			}
		}
		i = skipSpace(raw, vend)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return "", false
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n') {
		i++
	}
	return i
}

// stringEnd returns the index after the string starting at raw[i] == '"'.
func stringEnd(raw []byte, i int) int {
	for j := i + 1; ; {
		q := bytes.IndexByte(raw[j:], '"')
		if q < 0 {
			return len(raw)
		}
		q += j
		run := 0
		for k := q - 1; k > i && raw[k] == '\\'; k-- {
			run++
		}
		if run%2 == 0 {
			return q + 1
		}
		j = q + 1
	}
}

// valueEnd returns the index after the JSON value starting at raw[i].
func valueEnd(raw []byte, i int) int {
	switch raw[i] {
	case '"':
		return stringEnd(raw, i)
	case '{', '[':
		s := scanState{open: []byte{raw[i]}}
		return i + 1 + s.scan(raw[i+1:])
	}
	for i < len(raw) && raw[i] != ',' && raw[i] != '}' && raw[i] != ']' && raw[i] != ' ' && raw[i] != '\n' && raw[i] != '\t' && raw[i] != '\r' {
		i++
	}
	return i
}
