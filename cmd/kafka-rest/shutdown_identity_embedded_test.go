//go:build !integration

package main

import (
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/internal/kfakesasl"
)

// TestShutdownWithRefusedRecords: see checkShutdownWithRefusedRecords; a
// kfake cluster that refuses logins as Kafka does, and stops answering
// produce requests before the signal.
func TestShutdownWithRefusedRecords(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser("PLAIN", "alice", "alice-secret"),
		kfake.SeedTopics(1, "t"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	kfakesasl.Refuse(c, map[string]string{"alice": "alice-secret"})
	stall := func() {
		c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
			c.KeepControl()
			return nil, nil, true // never answered
		})
	}
	const grace = 3 * time.Second
	checkShutdownWithRefusedRecords(t, identityProps(c.ListenAddrs()[0], "SASL_PLAIN", grace), "t",
		"alice:alice-secret", "alice:wrong", grace, stall)
}
