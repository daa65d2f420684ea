package kafka

import (
	"fmt"
	"slices"
	"unicode/utf16"

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

// refusal is Kafka's answer to a request it refuses: the protocol error
// and the broker's message.
type refusal struct {
	err *kerr.Error
	msg string
}

func refuse(err *kerr.Error, format string, args ...any) *refusal {
	return &refusal{err: err, msg: fmt.Sprintf(format, args...)}
}

// rest is the refusal in the REST error model, as the reference maps the
// Kafka exception.
func (r *refusal) rest() *Error { return WithMessage(r.err, r.msg) }

var errTooManyPartitions = refuse(kerr.PolicyViolation, "Excessively large number of partitions per request.")

// TopicNameError is Kafka's refusal of an invalid topic name (Topic.validate
// in Kafka's own words), 400 40002 as the reference maps InvalidTopicException;
// nil for a name Kafka accepts.
func TopicNameError(name string) *Error {
	if r := topicNameRefusal(name); r != nil {
		return r.rest()
	}
	return nil
}

// ValidTopicName reports whether Kafka accepts name as a topic name: 1 to
// 249 characters of [a-zA-Z0-9._-], and neither "." nor "..".
func ValidTopicName(name string) bool { return topicNameRefusal(name) == nil }

func topicNameRefusal(name string) *refusal {
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
	return refuse(kerr.InvalidTopicException, "Topic name is invalid: %s", why)
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
func createTopicsBound(req *kmsg.CreateTopicsRequest, defaultPartitions int32) *refusal {
	var total int64
	for i := range req.Topics {
		total += newPartitions(&req.Topics[i], defaultPartitions)
	}
	if total > maxPartitionsPerRequest {
		return errTooManyPartitions
	}
	return nil
}

// createTopicsRecords is the bound Kafka checks last, failing all of the
// request: no more than 10,000 metadata records, one per topic, per
// config and per partition.
func createTopicsRecords(req *kmsg.CreateTopicsRequest, defaultPartitions int32) *refusal {
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
		return refuse(kerr.PolicyViolation, "Unable to perform excessively large batch operation.")
	}
	return nil
}

// createTopicRefusal is Kafka's check of one topic to create, in Kafka's
// order and words: a manual assignment (every list non-empty, of known and
// distinct brokers, all of one length, for partitions 0 to n-1), else the
// replication factor and partition count. brokers are the cluster's broker
// ids, nil when not known: a manual assignment then names no known broker,
// and a replication factor is not checked against their count.
func createTopicRefusal(rt *kmsg.CreateTopicsRequestTopic, brokers []int32) *refusal {
	if len(rt.ReplicaAssignment) > 0 {
		seen := make(map[int32]bool, len(rt.ReplicaAssignment))
		rf := -1
		for _, ra := range rt.ReplicaAssignment {
			if seen[ra.Partition] {
				return refuse(kerr.InvalidReplicaAssignment, "Found multiple manual partition assignments for partition %d", ra.Partition)
			}
			seen[ra.Partition] = true
			if r := assignmentRefusal(ra.Replicas, brokers, rf); r != nil {
				return r
			}
			rf = len(ra.Replicas)
		}
		for i := range int32(len(rt.ReplicaAssignment)) {
			if !seen[i] {
				return refuse(kerr.InvalidReplicaAssignment, "partitions should be a consecutive 0-based integer sequence")
			}
		}
		return nil
	}
	switch {
	case rt.ReplicationFactor < -1 || rt.ReplicationFactor == 0:
		return refuse(kerr.InvalidReplicationFactor, "Replication factor must be larger than 0, or -1 to use the default value.")
	case rt.NumPartitions < -1 || rt.NumPartitions == 0:
		return refuse(kerr.InvalidPartitions, "Number of partitions was set to an invalid non-positive value.")
	case brokers != nil && int(rt.ReplicationFactor) > len(brokers):
		return refuse(kerr.InvalidReplicationFactor,
			"Unable to replicate the partition %[1]d time(s): The target replication factor of %[1]d cannot be reached because only %[2]d broker(s) are registered or some brokers have all their log directories cordoned.",
			rt.ReplicationFactor, len(brokers))
	}
	return nil
}

// assignmentRefusal is Kafka's check of one partition's manual assignment:
// rf is the replica count of the partitions before it, -1 for the first.
func assignmentRefusal(replicas, brokers []int32, rf int) *refusal {
	if len(replicas) == 0 {
		return refuse(kerr.InvalidReplicaAssignment, "The manual partition assignment includes an empty replica list.")
	}
	sorted := slices.Sorted(slices.Values(replicas))
	for i, b := range sorted {
		if !slices.Contains(brokers, b) {
			return refuse(kerr.InvalidReplicaAssignment, "The manual partition assignment includes broker %d, but no such broker is registered.", b)
		}
		if i > 0 && sorted[i-1] == b {
			return refuse(kerr.InvalidReplicaAssignment, "The manual partition assignment includes the broker %d more than once.", b)
		}
	}
	if rf >= 0 && len(replicas) != rf {
		return refuse(kerr.InvalidReplicaAssignment,
			"The manual partition assignment includes a partition with %d replica(s), but this is not consistent with previous partitions, which have %d replica(s).",
			len(replicas), rf)
	}
	return nil
}

// increaseBound is Kafka's bound on one CreatePartitions request: no more
// than 10,000 partitions added. Kafka 4.x refuses more as an unexpected
// server error; this names the cause, in the words Kafka uses for the same
// bound on CreateTopics.
func increaseBound(added int64) *refusal {
	if added > maxPartitionsPerRequest {
		return errTooManyPartitions
	}
	return nil
}

// configStringsRefusal refuses a config name or value longer than the
// Kafka protocol carries: a broker would close the connection on it rather
// than answer.
func configStringsRefusal(name string, value *string) *refusal {
	switch {
	case len(name) > maxStringBytes:
		return refuse(kerr.InvalidConfig, "A config name is %d bytes long; Kafka takes at most %d.", len(name), maxStringBytes)
	case value != nil && len(*value) > maxStringBytes:
		return refuse(kerr.InvalidConfig, "Invalid value for configuration %s: it is %d bytes long; Kafka takes at most %d.", name, len(*value), maxStringBytes)
	}
	return nil
}
