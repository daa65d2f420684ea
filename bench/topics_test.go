package bench

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestCreateTopicWarmsEveryPartition: a round's topic is created with a
// leader for every partition and one record without a value in each, so
// that no mode measures the broker's first write to a partition; the
// readers of the bench skip that record.
func TestCreateTopicWarmsEveryPartition(t *testing.T) {
	addr := testCluster(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx := context.Background()
	if err := createTopic(ctx, adm, []string{addr}, "warm", 4); err != nil {
		t.Fatal(err)
	}
	// A second time, on the topic as it is: it is there, and warmed again.
	if err := createTopic(ctx, adm, []string{addr}, "warm", 4); err != nil {
		t.Fatal(err)
	}
	ends, err := adm.ListEndOffsets(ctx, "warm")
	if err != nil {
		t.Fatal(err)
	}
	for p := range int32(4) {
		if o, ok := ends.Lookup("warm", p); !ok || o.Err != nil || o.Offset != 2 {
			t.Errorf("partition %d ends at %+v, want 2 (one record a call)", p, o)
		}
	}
	rd, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics("warm"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	seen := 0
	for seen < 8 {
		fs := rd.PollFetches(ctx)
		if err := fs.Err(); err != nil {
			t.Fatal(err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			seen++
			if r.Value != nil || r.Key != nil {
				t.Errorf("warm-up record %+v has a key or value", r)
			}
		})
	}
	if err := deleteTopic(ctx, adm, "warm"); err != nil {
		t.Fatal(err)
	}
}
