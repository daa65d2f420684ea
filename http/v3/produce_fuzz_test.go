package v3

import (
	stdjson "encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// FuzzDecodeBatch checks the records:batch decoder: any body gives entries
// or a 400/422 in the error model; entries have distinct valid ids and are
// the body's entries without their id, by encoding/json's reading of them
// (an oracle independent of the decoder); and a batch written back from
// them decodes to the same.
func FuzzDecodeBatch(f *testing.F) {
	for _, s := range []string{
		`{"entries":[{"id":"1","value":{"type":"JSON","data":{"a":1}}},{"id":"b-2_","partition_id":0,"key":{"type":"STRING","data":"k"}}]}`,
		`{"entries":[{"id":"x"},{"id":"x"}]}`,
		`{"entries":[{"id":1}]}`,
		`{"entries":[]}`,
		`{"entries":[{"id":"é"}]}`,
		`{"entries":[{"id":"a","value":{"type":"BINARY","data":"AAEC"},"headers":[{"name":"h","value":null}]}],"extra":1}`,
		`null`,
		` `,
		`{"entries":[{"id":"a"}]} trailing`,
	} {
		f.Add([]byte(s), uint8(10))
	}
	f.Fuzz(func(t *testing.T, body []byte, max uint8) {
		maxEntries := int(max)%50 + 1
		ids, records, err := decodeBatch(body, maxEntries)
		if err != nil {
			var re *apierr.Error
			if !errors.As(err, &re) || (re.Status != 400 && re.Status != 422) || re.Message == "" {
				t.Fatalf("decoding %q: %T %v is not a 400 or 422 in the error model", body, err, err)
			}
			return
		}
		if len(ids) == 0 || len(ids) > maxEntries || len(ids) != len(records) {
			t.Fatalf("decoding %q: %d ids, %d records, at most %d allowed", body, len(ids), len(records), maxEntries)
		}
		var oracle struct {
			Entries []map[string]stdjson.RawMessage `json:"entries"`
		}
		if err := stdjson.Unmarshal(body, &oracle); err != nil || len(oracle.Entries) != len(ids) {
			t.Fatalf("decoding %q gave %d entries; encoding/json: %d, %v", body, len(ids), len(oracle.Entries), err)
		}
		seen := map[string]bool{}
		entries := make([]map[string]any, len(ids))
		for i, id := range ids {
			if seen[id] || len(id) < 1 || len(id) > 80 {
				t.Fatalf("decoding %q: id %q repeated or of a bad length", body, id)
			}
			seen[id] = true
			for _, r := range id {
				if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_') {
					t.Fatalf("decoding %q: id %q has %q", body, id, r)
				}
			}
			var wantID string
			if err := stdjson.Unmarshal(oracle.Entries[i]["id"], &wantID); err != nil || wantID != id {
				t.Fatalf("decoding %q: id %q, encoding/json reads %q (%v)", body, id, wantID, err)
			}
			var got, want map[string]any
			if err := stdjson.Unmarshal(records[i], &got); err != nil {
				t.Fatalf("decoding %q: record %d %q is not a JSON object: %v", body, i, records[i], err)
			}
			delete(oracle.Entries[i], "id")
			rest, _ := stdjson.Marshal(oracle.Entries[i])
			if err := stdjson.Unmarshal(rest, &want); err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("decoding %q: record %d is %s, want the entry without its id, %s", body, i, records[i], rest)
			}
			want["id"] = id
			entries[i] = want
		}
		again, err := stdjson.Marshal(map[string]any{"entries": entries})
		if err != nil {
			t.Fatal(err)
		}
		ids2, records2, err := decodeBatch(again, maxEntries)
		if err != nil || !reflect.DeepEqual(ids, ids2) || len(records2) != len(records) {
			t.Fatalf("%q decoded, but written back as %s: %q %v", body, again, ids2, err)
		}
	})
}
