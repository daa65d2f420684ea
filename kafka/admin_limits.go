package kafka

import (
	"fmt"
	"slices"
	"unicode/utf16"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Kafka's own bounds on administrative requests, checked before a request
// leaves the proxy: a real broker answers them with the same errors (some
// only after seconds of work), and the embedded cluster would try to do
// what is asked, two billion partitions included, and stop answering.

const (
	// maxPartitionsPerRequest is Kafka's MAX_PARTITIONS_PER_BATCH: the
	// most partitions one CreateTopics request may create.
	maxPartitionsPerRequest = 10_000
	// maxRecordsPerRequest is Kafka's MAX_RECORDS_PER_USER_OP: the most
	// metadata records one request may write (a topic, its configs and its
	// partitions are one each).
	maxRecordsPerRequest = 10_000
	// maxStringBytes is the longest string the Kafka protocol carries in
	// a request: a broker closes the connection on a longer one.
	maxStringBytes = 32_767
	// maxTopicNameLength is Kafka's longest topic name, in UTF-16 units
	// as Java counts them.
	maxTopicNameLength = 249
)

// Refusal is Kafka's answer to a request it refuses: the protocol error
// and the broker's message.
type Refusal struct {
	Err *kerr.Error
	Msg string
}

// Refuse is the Refusal of err with a formatted message.
func Refuse(err *kerr.Error, format string, args ...any) *Refusal {
	return &Refusal{Err: err, Msg: fmt.Sprintf(format, args...)}
}

// rest is the Refusal in the REST error model, as the reference maps the
// Kafka exception.
func (r *Refusal) rest() *apierr.Error { return WithMessage(r.Err, r.Msg) }

// errTooManyPartitions is Kafka's refusal of more than 10,000 partitions
// in one request.
func errTooManyPartitions() *Refusal {
	return Refuse(kerr.PolicyViolation, "Excessively large number of partitions per request.")
}

// TopicNameError is Kafka's Refusal of an invalid topic name (Topic.validate
// in Kafka's own words), 400 40002 as the reference maps InvalidTopicException;
// nil for a name Kafka accepts.
func TopicNameError(name string) *apierr.Error {
	if r := topicNameRefusal(name); r != nil {
		return r.rest()
	}
	return nil
}

// ValidTopicName reports whether Kafka accepts name as a topic name: 1 to
// 249 characters of [a-zA-Z0-9._-], and neither "." nor "..".
func ValidTopicName(name string) bool { return topicNameRefusal(name) == nil }

func topicNameRefusal(name string) *Refusal {
	var why string
	switch {
	case name == "":
		why = "the empty string is not allowed"
	case name == ".":
		why = "'.' is not allowed"
	case name == "..":
		why = "'..' is not allowed"
	case len(utf16.Encode([]rune(name))) > maxTopicNameLength:
		why = fmt.Sprintf("the length of '%s' is longer than the max allowed length %d", name, maxTopicNameLength)
	default:
		for _, r := range name {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				why = fmt.Sprintf("'%s' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'", name)
				break
			}
		}
	}
	if why == "" {
		return nil
	}
	return Refuse(kerr.InvalidTopicException, "Topic name is invalid: %s", why)
}

// newPartitions is how many partitions rt creates: its assignments, its
// count, or defaultPartitions for the broker's default.
func newPartitions(rt *kmsg.CreateTopicsRequestTopic, defaultPartitions int32) int64 {
	switch {
	case len(rt.ReplicaAssignment) > 0:
		return int64(len(rt.ReplicaAssignment))
	case rt.NumPartitions == -1:
		return int64(defaultPartitions)
	case rt.NumPartitions > 0:
		return int64(rt.NumPartitions)
	}
	return 0
}

// createTopicsBound is the bound Kafka checks before anything else in a
// CreateTopics request, failing all of it: no more than 10,000 partitions
// in all.
func createTopicsBound(req *kmsg.CreateTopicsRequest, defaultPartitions int32) *Refusal {
	var total int64
	for i := range req.Topics {
		total += newPartitions(&req.Topics[i], defaultPartitions)
	}
	if total > maxPartitionsPerRequest {
		return errTooManyPartitions()
	}
	return nil
}

// createTopicsRecords is the bound Kafka checks last, failing all of the
// request: no more than 10,000 metadata records, one per topic, per
// config and per partition.
func createTopicsRecords(req *kmsg.CreateTopicsRequest, defaultPartitions int32) *Refusal {
	var records int64
	for i := range req.Topics {
		rt := &req.Topics[i]
		records += 1 + newPartitions(rt, defaultPartitions)
		for _, c := range rt.Configs {
			if c.Value != nil {
				records++
			}
		}
	}
	if records > maxRecordsPerRequest {
		return Refuse(kerr.PolicyViolation, "Unable to perform excessively large batch operation.")
	}
	return nil
}

// createTopicRefusal is Kafka's check of one topic to create, in Kafka's
// order and words: a manual assignment (every list non-empty, of known and
// distinct brokers, all of one length, for partitions 0 to n-1), else the
// replication factor and partition count. brokers are the cluster's broker
// ids, nil when not known: a manual assignment then names no known broker,
// and a replication factor is not checked against their count.
func createTopicRefusal(rt *kmsg.CreateTopicsRequestTopic, brokers []int32) *Refusal {
	if len(rt.ReplicaAssignment) > 0 {
		seen := make(map[int32]bool, len(rt.ReplicaAssignment))
		rf := -1
		for _, ra := range rt.ReplicaAssignment {
			if seen[ra.Partition] {
				return Refuse(kerr.InvalidReplicaAssignment, "Found multiple manual partition assignments for partition %d", ra.Partition)
			}
			seen[ra.Partition] = true
			if r := assignmentRefusal(ra.Replicas, brokers, rf); r != nil {
				return r
			}
			rf = len(ra.Replicas)
		}
		for i := range int32(len(rt.ReplicaAssignment)) {
			if !seen[i] {
				return Refuse(kerr.InvalidReplicaAssignment, "partitions should be a consecutive 0-based integer sequence")
			}
		}
		return nil
	}
	switch {
	case rt.ReplicationFactor < -1 || rt.ReplicationFactor == 0:
		return Refuse(kerr.InvalidReplicationFactor, "Replication factor must be larger than 0, or -1 to use the default value.")
	case rt.NumPartitions < -1 || rt.NumPartitions == 0:
		return Refuse(kerr.InvalidPartitions, "Number of partitions was set to an invalid non-positive value.")
	case brokers != nil && int(rt.ReplicationFactor) > len(brokers):
		return Refuse(kerr.InvalidReplicationFactor,
			"Unable to replicate the partition %[1]d time(s): The target replication factor of %[1]d cannot be reached because only %[2]d broker(s) are registered or some brokers have all their log directories cordoned.",
			rt.ReplicationFactor, len(brokers))
	}
	return nil
}

// assignmentRefusal is Kafka's check of one partition's manual assignment:
// rf is the replica count of the partitions before it, -1 for the first.
func assignmentRefusal(replicas, brokers []int32, rf int) *Refusal {
	if len(replicas) == 0 {
		return Refuse(kerr.InvalidReplicaAssignment, "The manual partition assignment includes an empty replica list.")
	}
	sorted := slices.Sorted(slices.Values(replicas))
	for i, b := range sorted {
		if !slices.Contains(brokers, b) {
			return Refuse(kerr.InvalidReplicaAssignment, "The manual partition assignment includes broker %d, but no such broker is registered.", b)
		}
		if i > 0 && sorted[i-1] == b {
			return Refuse(kerr.InvalidReplicaAssignment, "The manual partition assignment includes the broker %d more than once.", b)
		}
	}
	if rf >= 0 && len(replicas) != rf {
		return Refuse(kerr.InvalidReplicaAssignment,
			"The manual partition assignment includes a partition with %d replica(s), but this is not consistent with previous partitions, which have %d replica(s).",
			len(replicas), rf)
	}
	return nil
}

// CreateTopicsRefusal is what Kafka answers, before it creates anything, to
// a CreateTopics request beyond its bounds (partitions in one request,
// metadata records); nil within them. The embedded cluster asks it of
// requests that do not come through the proxy.
func CreateTopicsRefusal(req *kmsg.CreateTopicsRequest, defaultPartitions int32) *Refusal {
	if r := createTopicsBound(req, defaultPartitions); r != nil {
		return r
	}
	return createTopicsRecords(req, defaultPartitions)
}

// PartitionsIncreaseRefusal is what the proxy answers to a request adding
// added partitions in all, beyond Kafka's bound; nil within it.
func PartitionsIncreaseRefusal(added int64) *Refusal { return increaseBound(added) }

// increaseBound is Kafka's bound on one CreatePartitions request: no more
// than 10,000 partitions added. Kafka 4.x refuses more as an unexpected
// server error; this names the cause, in the words Kafka uses for the same
// bound on CreateTopics.
func increaseBound(added int64) *Refusal {
	if added > maxPartitionsPerRequest {
		return errTooManyPartitions()
	}
	return nil
}

// configStringsRefusal refuses a config name or value longer than the
// Kafka protocol carries: a broker would close the connection on it rather
// than answer.
func configStringsRefusal(name string, value *string) *Refusal {
	switch {
	case len(name) > maxStringBytes:
		return Refuse(kerr.InvalidConfig, "A config name is %d bytes long; Kafka takes at most %d.", len(name), maxStringBytes)
	case value != nil && len(*value) > maxStringBytes:
		return Refuse(kerr.InvalidConfig, "Invalid value for configuration %s: it is %d bytes long; Kafka takes at most %d.", name, len(*value), maxStringBytes)
	}
	return nil
}
