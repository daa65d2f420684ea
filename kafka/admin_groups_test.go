package kafka

import "testing"

func TestSummarizeLags(t *testing.T) {
	if _, ok := SummarizeLags(nil); ok {
		t.Fatal("a summary of no lags")
	}
	lags := []ConsumerLag{
		{Topic: "a", Partition: 0, Lag: 3},
		{Topic: "a", Partition: 1, Lag: 7},
		{Topic: "b", Partition: 0, Lag: 7}, // as great, but not first
		{Topic: "b", Partition: 1, Lag: 0},
	}
	s, ok := SummarizeLags(lags)
	if !ok || s.Max != 7 || s.Total != 17 || s.MaxLag != lags[1] {
		t.Fatalf("summary %+v, want max 7 on a/1, total 17", s)
	}
	s, _ = SummarizeLags([]ConsumerLag{{Topic: "a", Partition: 0}})
	if s.Max != 0 || s.MaxLag.Topic != "a" {
		t.Fatalf("summary of one caught-up partition %+v, want it with max 0", s)
	}
}

func TestGroupState(t *testing.T) {
	for in, want := range map[string]string{
		"Stable": "STABLE", "PreparingRebalance": "PREPARING_REBALANCE", "CompletingRebalance": "COMPLETING_REBALANCE",
		"Empty": "EMPTY", "Dead": "DEAD", "Assigning": "ASSIGNING", "Reconciling": "RECONCILING",
		"NotReady": "UNKNOWN", "": "UNKNOWN",
	} {
		if got := groupState(in); got != want {
			t.Errorf("groupState(%q) = %q, want %q", in, got, want)
		}
	}
}
