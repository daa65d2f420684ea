package bench

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// workload is what every mode produces: the same values, from a pool of
// random ones rendered once, so that generating them costs the harness
// nothing. The pool is larger than a producer batch, so that compression
// cannot find the repeats and flatter the numbers.
type workload struct {
	cfg     Config
	values  [][]byte
	records []string // the same records as v3 produce JSON
	avro    []string // and as v3 produce JSON of Avro values
	v2      []string // and as v2 binary produce records
}

// poolBytes is the size of the pool of values: four times franz-go's
// largest batch (about 1 MB), so that no batch holds a value twice.
const poolBytes = 4 << 20

func newWorkload(cfg Config) *workload {
	w := &workload{cfg: cfg}
	n := max(64, poolBytes/max(cfg.RecordSize, 1))
	for i := range n {
		v := make([]byte, cfg.RecordSize)
		rand.Read(v)
		w.values = append(w.values, v)
		var b strings.Builder
		b.WriteString(`{`)
		if cfg.Keyed {
			b.WriteString(`"key":{"type":"STRING","data":"`)
			b.WriteString(key(int64(i)))
			b.WriteString(`"},`)
		}
		b.WriteString(`"value":{"type":"BINARY","data":"`)
		b.WriteString(base64.StdEncoding.EncodeToString(v))
		b.WriteString(`"}}`)
		w.records = append(w.records, b.String())
		w.avro = append(w.avro, avroRecord(v, cfg.Keyed, i))
		v2 := `{"value":"` + base64.StdEncoding.EncodeToString(v) + `"`
		if cfg.Keyed {
			v2 += `,"key":"` + base64.StdEncoding.EncodeToString([]byte(key(int64(i)))) + `"`
		}
		w.v2 = append(w.v2, v2+"}")
	}
	return w
}

// avroSchema is the value schema of ModeV3Avro, as a JSON string.
const avroSchema = `"{\"type\":\"record\",\"name\":\"BenchRecord\",\"namespace\":\"kafka_rest_bench\",\"fields\":[{\"name\":\"payload\",\"type\":\"string\"}]}"`

// avroRecord is a v3 produce record of ModeV3Avro whose payload is the
// value's random bytes as base64, cut to the value's size so that the Avro
// value is about as large as the binary modes' values.
func avroRecord(v []byte, keyed bool, i int) string {
	var b strings.Builder
	b.WriteString(`{`)
	if keyed {
		b.WriteString(`"key":{"type":"STRING","data":"`)
		b.WriteString(key(int64(i)))
		b.WriteString(`"},`)
	}
	b.WriteString(`"value":{"type":"AVRO","schema":` + avroSchema + `,"data":{"payload":"`)
	b.WriteString(base64.StdEncoding.EncodeToString(v)[:len(v)])
	b.WriteString(`"}}}`)
	return b.String()
}

// key is the key of record i: a thousand distinct keys.
func key(i int64) string { return "key-" + strconv.FormatInt(i%1000, 10) }

// json returns the i-th record as v3 produce JSON.
func (w *workload) json(i int64) string { return w.records[i%int64(len(w.records))] }

// avroJSON returns the i-th record as v3 produce JSON with an Avro value.
func (w *workload) avroJSON(i int64) string { return w.avro[i%int64(len(w.avro))] }

// kgoRecord returns the i-th record for the native modes, to topic: the
// same key and value as json(i).
func (w *workload) kgoRecord(topic string, i int64) *kgo.Record {
	j := i % int64(len(w.values))
	r := &kgo.Record{Topic: topic, Value: w.values[j]}
	if w.cfg.Keyed {
		r.Key = []byte(key(j))
	}
	return r
}

// stampSize is the bytes at the start of an end-to-end record's value
// that hold its send time.
const stampSize = 8

// stamped returns the i-th record to topic with its value's first bytes
// replaced by at, in Unix nanoseconds: the rest stays random.
func (w *workload) stamped(topic string, i int64, at time.Time) *kgo.Record {
	r := w.kgoRecord(topic, i)
	v := make([]byte, len(r.Value))
	copy(v, r.Value)
	binary.BigEndian.PutUint64(v, uint64(at.UnixNano()))
	r.Value = v
	return r
}

// stampOf reads the send time of an end-to-end record's value.
func stampOf(v []byte) (time.Time, error) {
	if len(v) < stampSize {
		return time.Time{}, fmt.Errorf("a value of %d bytes holds no send time", len(v))
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v))), nil
}

// stampOfBase64 reads the send time of a value given as base64, decoding
// only its start.
func stampOfBase64(s string) (time.Time, error) {
	// 12 base64 characters are 9 bytes: enough for the stamp.
	const chars = 12
	if len(s) < chars {
		return time.Time{}, fmt.Errorf("a value of %d base64 characters holds no send time", len(s))
	}
	var v [9]byte
	if _, err := base64.StdEncoding.Decode(v[:], []byte(s[:chars])); err != nil {
		return time.Time{}, fmt.Errorf("a value that is not base64: %w", err)
	}
	return stampOf(v[:])
}
