package http_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
)

// TestTopicNameInPath: a topic name Kafka refuses is the client's 400 40002
// in Kafka's words on every route whose path takes one, v2 and v3, rather
// than a server error per record or whatever the cluster makes of it; no
// topic is created.
func TestTopicNameInPath(t *testing.T) {
	p := startProxy(t, target(t), nil)
	id, _ := tpCluster(t, p)
	long := strings.Repeat("a", 250)
	names := map[string]string{
		long:       "Topic name is invalid: the length of '" + long + "' is longer than the max allowed length 249",
		"bad$name": "Topic name is invalid: 'bad$name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
		"grüße":    "Topic name is invalid: 'grüße' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
	}
	const v3 = "application/json"
	jsonBody := "Content-Type: application/json"
	binary := "Content-Type: application/vnd.kafka.binary.v2+json"
	for name, msg := range names {
		t.Run(name[:min(len(name), 12)], func(t *testing.T) {
			n := url.PathEscape(name)
			topic := "/v3/clusters/" + id + "/topics/" + n
			for _, tc := range []struct {
				method, path, body, header, ct string
			}{
				{"POST", "/topics/" + n, `{"records":[{"value":"YQ=="}]}`, binary, v2CT},
				{"POST", "/topics/" + n + "/partitions/0", `{"records":[{"value":"YQ=="}]}`, binary, v2CT},
				{"GET", "/topics/" + n, "", "", v2CT},
				{"GET", "/topics/" + n + "/partitions", "", "", v2CT},
				{"GET", "/topics/" + n + "/partitions/0", "", "", v2CT},
				{"GET", "/topics/" + n + "/partitions/0/offsets", "", "", v2CT},
				{"GET", topic, "", "", v3},
				{"PATCH", topic, `{"partitions_count":2}`, jsonBody, v3},
				{"DELETE", topic, "", "", v3},
				{"GET", topic + "/configs", "", "", v3},
				{"PUT", topic + "/configs/retention.ms", `{"value":"1000"}`, jsonBody, v3},
				{"POST", topic + "/configs:alter", `{"data":[{"name":"retention.ms","value":"1000"}]}`, jsonBody, v3},
				{"GET", topic + "/partitions", "", "", v3},
				{"GET", topic + "/partitions/0/offset", "", "", v3},
				{"POST", topic + "/records", `{"value":{"type":"STRING","data":"x"}}`, jsonBody, v3},
				{"POST", topic + "/records:batch", `{"entries":[{"id":"1","value":{"type":"STRING","data":"x"}}]}`, jsonBody, v3},
				{"GET", "/v3/clusters/" + id + "/consumer-groups/g/lags/" + n + "/partitions/0", "", "", v3},
			} {
				var headers []string
				if tc.header != "" {
					headers = append(headers, tc.header)
				}
				r := p.do(t, tc.method, tc.path, tc.body, headers...)
				t.Run(tc.method+" "+strings.ReplaceAll(tc.path, n, "{t}"), func(t *testing.T) {
					r.expectError(t, 400, 40002, msg, tc.ct)
				})
			}
			if err := describeTopic(t, p, name).Err; !errors.Is(err, kerr.UnknownTopicOrPartition) && !errors.Is(err, kerr.InvalidTopicException) {
				t.Fatalf("Kafka has the topic (it says %v)", err)
			}
		})
	}
}
