package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestEmbeddedGuardNativeClients sends the embedded cluster, from a native
// client that never passes the proxy, the admin requests it could not
// survive: each is refused with Kafka's code and message, and the cluster
// goes on serving, a compacted topic included (its cleaner timer is what a
// zero backoff would have broken).
func TestEmbeddedGuardNativeClients(t *testing.T) {
	e := startEmbedded(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)

	createTopics := func(topics ...kmsg.CreateTopicsRequestTopic) *kmsg.CreateTopicsResponse {
		t.Helper()
		req := kmsg.NewPtrCreateTopicsRequest()
		req.TimeoutMillis = 10_000
		req.Topics = topics
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			t.Fatalf("CreateTopics: %v", err)
		}
		return resp
	}
	topic := func(name string, partitions int32) kmsg.CreateTopicsRequestTopic {
		rt := kmsg.NewCreateTopicsRequestTopic()
		rt.Topic, rt.NumPartitions, rt.ReplicationFactor = name, partitions, 1
		return rt
	}
	expect := func(what string, code int16, msg *string, want *kerr.Error, wantMsg string) {
		t.Helper()
		if code != want.Code || msg == nil || *msg != wantMsg {
			t.Fatalf("%s: %v %v, want %v %q", what, kerr.ErrorForCode(code), msg, want, wantMsg)
		}
	}

	resp := createTopics(topic("huge", 2147483646), topic("small", 1))
	for _, rt := range resp.Topics {
		expect("CreateTopics "+rt.Topic, rt.ErrorCode, rt.ErrorMessage, kerr.PolicyViolation, "Excessively large number of partitions per request.")
	}
	resp = createTopics(topic("records", 10_000))
	expect("CreateTopics of 10,000 partitions", resp.Topics[0].ErrorCode, resp.Topics[0].ErrorMessage, kerr.PolicyViolation, "Unable to perform excessively large batch operation.")
	if topics, err := adm.ListTopics(ctx); err != nil || len(topics) != 0 {
		t.Fatalf("topics after the refusals: %v (%v), want none", topics.Names(), err)
	}

	if _, err := adm.CreateTopic(ctx, 2, 1, nil, "grow"); err != nil {
		t.Fatal(err)
	}
	preq := kmsg.NewPtrCreatePartitionsRequest()
	preq.TimeoutMillis = 10_000
	pt := kmsg.NewCreatePartitionsRequestTopic()
	pt.Topic, pt.Count = "grow", 2147483647
	preq.Topics = append(preq.Topics, pt)
	presp, err := preq.RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("CreatePartitions: %v", err)
	}
	expect("CreatePartitions", presp.Topics[0].ErrorCode, presp.Topics[0].ErrorMessage, kerr.PolicyViolation, "Excessively large number of partitions per request.")
	// 10,000 more is within the bound.
	if rs, err := adm.UpdatePartitions(ctx, 10_002, "grow"); err != nil || rs["grow"].Err != nil {
		t.Fatalf("adding 10,000 partitions: %v %v", err, rs["grow"].Err)
	}

	alter := func(name, value string) *kmsg.IncrementalAlterConfigsResponseResource {
		t.Helper()
		req := kmsg.NewPtrIncrementalAlterConfigsRequest()
		rr := kmsg.NewIncrementalAlterConfigsRequestResource()
		rr.ResourceType = kmsg.ConfigResourceTypeBroker
		rc := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		rc.Name, rc.Value = name, &value
		rr.Configs = append(rr.Configs, rc)
		req.Resources = append(req.Resources, rr)
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			t.Fatalf("IncrementalAlterConfigs: %v", err)
		}
		return &resp.Resources[0]
	}
	for _, tc := range []struct{ name, value, msg string }{
		{"log.cleaner.backoff.ms", "0", "Invalid value 0 for configuration log.cleaner.backoff.ms: Value must be at least 1 on the embedded cluster"},
		{"log.cleaner.backoff.ms", "-1", "Invalid value -1 for configuration log.cleaner.backoff.ms: Value must be at least 0"},
		{"log.cleaner.backoff.ms", "9223372036854775807", "Invalid value 9223372036854775807 for configuration log.cleaner.backoff.ms: Value must be at most 9223372036854 on the embedded cluster"},
		{"log.cleaner.backoff.ms", "soon", "Invalid value soon for configuration log.cleaner.backoff.ms: Not a number of type LONG"},
		{"offsets.retention.check.interval.ms", "0", "Cannot update these configs dynamically: [offsets.retention.check.interval.ms]"},
	} {
		r := alter(tc.name, tc.value)
		expect("setting "+tc.name+"="+tc.value, r.ErrorCode, r.ErrorMessage, kerr.InvalidRequest, tc.msg)
	}
	// The legacy AlterConfigs is refused alike.
	lreq := kmsg.NewPtrAlterConfigsRequest()
	lr := kmsg.NewAlterConfigsRequestResource()
	lr.ResourceType = kmsg.ConfigResourceTypeBroker
	lc := kmsg.NewAlterConfigsRequestResourceConfig()
	zero := "0"
	lc.Name, lc.Value = "log.cleaner.backoff.ms", &zero
	lr.Configs = append(lr.Configs, lc)
	lreq.Resources = append(lreq.Resources, lr)
	lresp, err := lreq.RequestWith(ctx, cl)
	if err != nil {
		t.Fatalf("AlterConfigs: %v", err)
	}
	expect("legacy AlterConfigs", lresp.Resources[0].ErrorCode, lresp.Resources[0].ErrorMessage, kerr.InvalidRequest,
		"Invalid value 0 for configuration log.cleaner.backoff.ms: Value must be at least 1 on the embedded cluster")
	if r := alter("log.cleaner.backoff.ms", "1000"); r.ErrorCode != 0 {
		t.Fatalf("a valid backoff: %v", kerr.ErrorForCode(r.ErrorCode))
	}

	// A compacted topic starts the cleaner's timer: the cluster is alive
	// and serves records after it.
	if _, err := adm.CreateTopic(ctx, 1, 1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}, "compacted"); err != nil {
		t.Fatal(err)
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "compacted", Key: []byte("k"), Value: []byte("v")}).FirstErr(); err != nil {
		t.Fatalf("producing after the refusals: %v", err)
	}
}
