package kafka

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// ConsumerGroup is a consumer group as the Java admin client describes it:
// a group of the new protocol (KIP-848) or a classic group whose protocol
// type is "consumer" or empty.
type ConsumerGroup struct {
	ID string
	// Simple is true for a classic group with no protocol type: one that
	// only ever committed offsets.
	Simple            bool
	PartitionAssignor string
	// State is the group's state in the reference's spelling (STABLE,
	// PREPARING_REBALANCE, ...; UNKNOWN for anything else).
	State string
	// Type is CLASSIC or CONSUMER.
	Type string
	// Mixed is true for a CONSUMER group some of whose members still use
	// the classic protocol (or do not say).
	Mixed       bool
	Coordinator int32
	Consumers   []GroupConsumer
}

// GroupConsumer is one member of a consumer group.
type GroupConsumer struct {
	ID         string
	InstanceID *string
	ClientID   string
	// Assignments are the partitions assigned to the member, sorted by
	// topic and partition.
	Assignments []ConsumerAssignment
}

// ConsumerAssignment is a partition assigned to a consumer.
type ConsumerAssignment struct {
	Topic     string
	Partition int32
}

// ConsumerLag is how far a group's committed offset on one partition is
// behind the partition's end.
type ConsumerLag struct {
	Topic     string
	Partition int32
	// ConsumerID, InstanceID and ClientID describe the member the
	// partition is assigned to; empty (InstanceID nil) when none is.
	ConsumerID    string
	InstanceID    *string
	ClientID      string
	CurrentOffset int64
	LogEndOffset  int64
	// Lag is LogEndOffset - CurrentOffset, never below zero.
	Lag int64
}

// Group types and the states the reference reports.
const (
	GroupTypeClassic  = "CLASSIC"
	GroupTypeConsumer = "CONSUMER"
	groupStateUnknown = "UNKNOWN"
)

// groupState maps the state names brokers send onto the reference's enum.
func groupState(s string) string {
	switch strings.ToLower(s) {
	case "preparingrebalance":
		return "PREPARING_REBALANCE"
	case "completingrebalance":
		return "COMPLETING_REBALANCE"
	case "assigning":
		return "ASSIGNING"
	case "reconciling":
		return "RECONCILING"
	case "stable":
		return "STABLE"
	case "dead":
		return "DEAD"
	case "empty":
		return "EMPTY"
	}
	return groupStateUnknown
}

// ConsumerGroups describes every consumer group of the cluster, in no
// particular order. Groups that cannot be described for lack of
// authorization, or that vanished since they were listed, are left out, as
// the reference leaves them out.
func (a *Admin) ConsumerGroups(ctx context.Context) ([]ConsumerGroup, error) {
	listed, err := a.adm.ListGroups(ctx)
	// As the Java client's valid listings: the groups of the brokers
	// that answered.
	if se, ok := errors.AsType[*kadm.ShardErrors](err); err != nil && (!ok || se.AllFailed) {
		return nil, err
	}
	var ids []string
	for _, g := range listed.Sorted() {
		// The Java client lists only groups of the consumer protocol (and
		// groups without one): not Connect's, not share groups.
		if g.ProtocolType == "consumer" || g.ProtocolType == "" {
			ids = append(ids, g.Group)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	described, err := a.describeGroups(ctx, ids)
	if err != nil {
		return nil, err
	}
	groups := make([]ConsumerGroup, 0, len(described))
	for _, id := range ids {
		if g, ok := described[id]; ok {
			groups = append(groups, g)
		}
	}
	return groups, nil
}

// ConsumerGroup describes one consumer group; nil when there is no such
// consumer group (or it may not be described).
func (a *Admin) ConsumerGroup(ctx context.Context, id string) (*ConsumerGroup, error) {
	described, err := a.describeGroups(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	g, ok := described[id]
	if !ok {
		return nil, nil
	}
	return &g, nil
}

// describeGroups describes the groups as the Java admin client does: with
// ConsumerGroupDescribe first, then DescribeGroups for those the broker says
// are not new-protocol groups. Absent, non-consumer and unauthorized groups
// are missing from the result.
func (a *Admin) describeGroups(ctx context.Context, ids []string) (map[string]ConsumerGroup, error) {
	out := make(map[string]ConsumerGroup, len(ids))
	described, err := a.adm.DescribeConsumerGroups(ctx, ids...)
	var classic []string
	switch {
	case err == nil:
	case errors.Is(err, kerr.GroupAuthorizationFailed):
		// kadm fails the whole request for one unauthorized group: ask
		// group by group, so that only that group is left out.
		return a.describeOneByOne(ctx, ids, out)
	default:
		supported, verr := a.brokersSupport(ctx, kmsg.ConsumerGroupDescribe.Int16())
		if verr != nil || supported {
			return nil, err
		}
		described, classic = nil, ids // a broker older than KIP-848
	}
	for _, id := range ids {
		if described == nil {
			break
		}
		d, ok := described[id]
		switch {
		case !ok, errors.Is(d.Err, kerr.GroupIDNotFound), errors.Is(d.Err, kerr.UnsupportedVersion):
			// Not a new-protocol group: maybe a classic one.
			classic = append(classic, id)
		case d.Err != nil:
			return nil, d.Err
		default:
			out[id] = fromConsumerGroup(d)
		}
	}
	if len(classic) == 0 {
		return out, nil
	}
	cds, err := a.adm.DescribeGroups(ctx, classic...)
	if errors.Is(err, kerr.GroupAuthorizationFailed) {
		return a.describeOneByOne(ctx, classic, out)
	}
	if err != nil {
		return nil, err
	}
	for _, id := range classic {
		d, ok := cds[id]
		switch {
		case !ok, errors.Is(d.Err, kerr.GroupIDNotFound):
		case d.Err != nil:
			return nil, WithMessage(d.Err, d.ErrMessage)
		case d.ProtocolType != "consumer" && d.ProtocolType != "":
			// Connect workers and the like: not a consumer group.
		case d.ProtocolType == "" && groupState(d.State) == "DEAD":
			// Kafka describes a group it does not know as an empty,
			// dead group without protocol type.
		default:
			out[id] = fromClassicGroup(d)
		}
	}
	return out, nil
}

// describeOneByOne describes each group alone into out, leaving out those
// the client may not describe.
func (a *Admin) describeOneByOne(ctx context.Context, ids []string, out map[string]ConsumerGroup) (map[string]ConsumerGroup, error) {
	if len(ids) == 1 {
		return out, nil // the one group is not authorized
	}
	for _, id := range ids {
		one, err := a.describeGroups(ctx, []string{id})
		if err != nil {
			return nil, err
		}
		for k, v := range one {
			out[k] = v
		}
	}
	return out, nil
}

// brokersSupport reports whether any broker supports the request key.
func (a *Admin) brokersSupport(ctx context.Context, key int16) (bool, error) {
	versions, err := a.adm.ApiVersions(ctx)
	if err != nil {
		return false, err
	}
	for _, v := range versions {
		if v.Err != nil {
			continue
		}
		if _, ok := v.KeyMaxVersion(key); ok {
			return true, nil
		}
	}
	return false, nil
}

func fromConsumerGroup(d kadm.DescribedConsumerGroup) ConsumerGroup {
	g := ConsumerGroup{
		ID:                d.Group,
		PartitionAssignor: d.AssignorName,
		State:             groupState(d.State),
		Type:              GroupTypeConsumer,
		Coordinator:       d.Coordinator.NodeID,
	}
	for _, m := range d.Members {
		// A member that did not upgrade to the consumer protocol, or does
		// not say (member type -1), makes the group a mixed one.
		if m.MemberType != 1 {
			g.Mixed = true
		}
		c := GroupConsumer{ID: m.MemberID, InstanceID: m.InstanceID, ClientID: m.ClientID}
		for t, ps := range m.Assignment {
			for p := range ps {
				c.Assignments = append(c.Assignments, ConsumerAssignment{t, p})
			}
		}
		sortAssignments(c.Assignments)
		g.Consumers = append(g.Consumers, c)
	}
	return g
}

func fromClassicGroup(d kadm.DescribedGroup) ConsumerGroup {
	g := ConsumerGroup{
		ID:                d.Group,
		Simple:            d.ProtocolType == "",
		PartitionAssignor: d.Protocol,
		State:             groupState(d.State),
		Type:              GroupTypeClassic,
		Coordinator:       d.Coordinator.NodeID,
	}
	for _, m := range d.Members {
		c := GroupConsumer{ID: m.MemberID, InstanceID: m.InstanceID, ClientID: m.ClientID}
		if as, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range as.Topics {
				for _, p := range t.Partitions {
					c.Assignments = append(c.Assignments, ConsumerAssignment{t.Topic, p})
				}
			}
		}
		sortAssignments(c.Assignments)
		g.Consumers = append(g.Consumers, c)
	}
	return g
}

func sortAssignments(tps []ConsumerAssignment) {
	sort.Slice(tps, func(i, j int) bool {
		if tps[i].Topic != tps[j].Topic {
			return tps[i].Topic < tps[j].Topic
		}
		return tps[i].Partition < tps[j].Partition
	})
}

// ConsumerLags returns the lag of the group on every partition it committed
// an offset for, sorted by topic and partition, against the partitions'
// read-committed ends (the last stable offsets), as the reference computes
// it. A partition whose end cannot be listed is left out. The group must
// exist ("Consumer Group X could not be found.") and have committed offsets
// ("Consumer group offsets could not be found.").
func (a *Admin) ConsumerLags(ctx context.Context, groupID string) ([]ConsumerLag, error) {
	g, err := a.ConsumerGroup(ctx, groupID)
	if err != nil {
		return nil, err
	}
	if g == nil {
		return nil, apierr.New(apierr.CodeNotFound, "Consumer Group %s could not be found.", groupID)
	}
	fetched, err := a.adm.FetchOffsets(ctx, groupID)
	if err != nil {
		return nil, err
	}
	// Partitions without a committed offset (or whose offset cannot be
	// read) have no lag in the reference's sense.
	fetched.KeepFunc(func(o kadm.OffsetResponse) bool { return o.Err == nil && o.At >= 0 })
	committed := fetched.Partitions()
	topics := committed.Topics()
	if len(topics) == 0 {
		return nil, apierr.New(apierr.CodeNotFound, "Consumer group offsets could not be found.")
	}
	ends, err := a.adm.ListCommittedOffsets(ctx, topics...)
	if err != nil {
		return nil, err
	}
	for t, ps := range ends {
		// A topic that no longer exists comes back as partition -1 with
		// the error the Java client fails the whole listing with.
		for _, o := range ps {
			if o.Err != nil && (o.Partition == -1 || committed.Lookup(t, o.Partition)) {
				return nil, o.Err
			}
		}
	}
	members := make(map[ConsumerAssignment]*GroupConsumer)
	for i := range g.Consumers {
		for _, tp := range g.Consumers[i].Assignments {
			members[tp] = &g.Consumers[i]
		}
	}
	// The group's members are attached below from the description above,
	// which covers both protocols; kadm's lag arithmetic needs none.
	lag := kadm.CalculateGroupLag(kadm.DescribedGroup{}, fetched, ends)
	var lags []ConsumerLag
	for _, l := range lag.Sorted() {
		if l.Err != nil || l.Commit.At < 0 {
			continue // no end offset, or a partition never committed to
		}
		cl := ConsumerLag{
			Topic: l.Topic, Partition: l.Partition,
			CurrentOffset: l.Commit.At, LogEndOffset: l.End.Offset, Lag: l.Lag,
		}
		if m := members[ConsumerAssignment{l.Topic, l.Partition}]; m != nil {
			cl.ConsumerID, cl.InstanceID, cl.ClientID = m.ID, m.InstanceID, m.ClientID
		}
		lags = append(lags, cl)
	}
	return lags, nil
}

// LagSummary sums up a group's lags: the partition with the greatest lag
// (the first of those with equal lag, in the order given) and the total.
type LagSummary struct {
	Max, Total int64
	// MaxLag is the partition with the greatest lag.
	MaxLag ConsumerLag
}

// SummarizeLags sums up lags; ok is false when there are none.
func SummarizeLags(lags []ConsumerLag) (s LagSummary, ok bool) {
	s.Max = -1
	for _, l := range lags {
		if l.Lag > s.Max {
			s.Max, s.MaxLag = l.Lag, l
		}
		s.Total += l.Lag
	}
	return s, len(lags) > 0
}

// CommittedOffset is the offset a group committed for a partition: the next
// record it will read.
type CommittedOffset struct {
	Topic     string
	Partition int32
	Offset    int64
	Metadata  string
}

// CommittedOffsets returns what group committed for each of partitions
// (topic to partition ids), in the order asked; partitions with no commit
// are left out.
func (a *Admin) CommittedOffsets(ctx context.Context, group string, partitions []CommittedOffset) ([]CommittedOffset, error) {
	out := []CommittedOffset{}
	fetched, err := a.adm.FetchOffsets(ctx, group)
	if errors.Is(err, kerr.GroupIDNotFound) {
		return out, nil // a group that never committed (kfake says so; Kafka answers nothing)
	}
	if err != nil {
		return nil, err
	}
	if err := fetched.Error(); err != nil {
		return nil, err
	}
	for _, p := range partitions {
		if o, ok := fetched.Lookup(p.Topic, p.Partition); ok && o.At >= 0 {
			out = append(out, CommittedOffset{Topic: p.Topic, Partition: p.Partition, Offset: o.At, Metadata: o.Metadata})
		}
	}
	return out, nil
}

// CommitGroupOffsets commits offsets for a group none of whose members is
// active (a v2 instance with manually assigned partitions commits so).
func (a *Admin) CommitGroupOffsets(ctx context.Context, group string, offsets []CommittedOffset) error {
	os := make(kadm.Offsets)
	for _, o := range offsets {
		os.Add(kadm.Offset{Topic: o.Topic, Partition: o.Partition, At: o.Offset, LeaderEpoch: -1, Metadata: o.Metadata})
	}
	resp, err := a.adm.CommitOffsets(ctx, group, os)
	if err != nil {
		return err
	}
	return resp.Error()
}
