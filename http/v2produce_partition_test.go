package http_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
)

// TestV2ProducePartitionBounds: a record whose partition no partition can
// have (negative) fails the whole request with the 404 40402 that v3 and
// the v2 partition paths answer, before anything is sent, wherever the
// partition comes from; one the topic lacks is that record's 50003, as the
// reference's producer answers it. Nothing lands anywhere.
func TestV2ProducePartitionBounds(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := uniqueName(t, "v2partitions")
	createTopic(t, p, topic, 2)
	binary := "Content-Type: application/vnd.kafka.binary.v2+json"
	const notFound = "Partition not found."

	for _, tc := range []struct{ path, body string }{
		{"/topics/" + topic, `{"records":[{"value":"YQ==","partition":-1}]}`},
		{"/topics/" + topic, `{"records":[{"value":"YQ=="},{"value":"Yg==","partition":-1},{"value":"Yw==","partition":0}]}`},
		{"/topics/" + topic, `{"records":[{"value":"YQ==","partition":-2147483648}]}`},
		// A record's partition wins over the path's, a negative one too.
		{"/topics/" + topic + "/partitions/0", `{"records":[{"value":"YQ=="},{"value":"Yg==","partition":-1}]}`},
		{"/topics/" + topic + "/partitions/-1", `{"records":[{"value":"YQ=="}]}`},
		{"/topics/" + topic + "/partitions/-1", `{"records":[{"value":"YQ==","partition":1}]}`},
	} {
		t.Run(fmt.Sprintf("%s %s", tc.path, tc.body), func(t *testing.T) {
			p.do(t, "POST", tc.path, tc.body, binary).expectError(t, 404, 40402, notFound, v2CT)
		})
	}

	beyond := func(part int) string {
		return fmt.Sprintf(`{"partition":null,"offset":null,"error_code":50003,"error":"Partition %d of topic %s is not present in metadata after 60000 ms."}`, part, topic)
	}
	r := p.do(t, "POST", "/topics/"+topic, `{"records":[{"value":"YQ==","partition":2},{"value":"Yg==","partition":2147483647}]}`, binary).expect(t, 200, v2CT)
	sameJSON(t, r.body, `{"offsets":[`+beyond(2)+`,`+beyond(2147483647)+`],"key_schema_id":null,"value_schema_id":null}`)
	r = p.do(t, "POST", "/topics/"+topic+"/partitions/5", `{"records":[{"value":"YQ=="}]}`, binary).expect(t, 200, v2CT)
	sameJSON(t, r.body, `{"offsets":[`+beyond(5)+`],"key_schema_id":null,"value_schema_id":null}`)

	ends, err := p.admin.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset != 0 {
			t.Errorf("partition %d holds %d records, want none", o.Partition, o.Offset)
		}
	})
}
