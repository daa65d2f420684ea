package kafka

import (
	"context"
	"errors"
	"net"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// ErrPartitionNotFound is the reference's 404 40402 for a partition the
// topic does not have.
func ErrPartitionNotFound() *apierr.Error {
	return apierr.New(apierr.CodePartitionNotFound, "Partition not found.")
}

// Translate maps any error onto the API error model: the one place where
// Kafka's errors become the answers clients see, the way Confluent's proxy
// maps Kafka exceptions (rest-utils KafkaExceptionMapper plus kafka-rest's
// overrides). An error that already is an *apierr.Error is returned
// unchanged; anything unknown is a 500 50002; nil stays nil.
func Translate(err error) *apierr.Error {
	if err == nil {
		return nil
	}
	if re, ok := apierr.As(err); ok {
		return re
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return translateKerr(ke, err)
	}
	var ae *kadm.AuthError
	if errors.As(err, &ae) {
		return apierr.Wrap(err, apierr.CodeKafkaAuthorization, "%s", ae.Error())
	}
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, kgo.ErrRecordTimeout), errors.Is(err, kgo.ErrRecordRetries):
		// The Java producer's expiry and retry exhaustion, which the
		// reference answers as retriable.
		return apierr.Wrap(err, apierr.CodeKafkaRetriable, "Kafka did not acknowledge the record in time: %s", err.Error())
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return apierr.Wrap(err, apierr.CodeKafkaRetriable, "Timed out waiting for the Kafka cluster. Check that bootstrap.servers is reachable.")
	case errors.As(err, &oe), errors.Is(err, kgo.ErrClientClosed):
		return apierr.Wrap(err, apierr.CodeKafkaRetriable, "The Kafka cluster cannot be reached. Check that bootstrap.servers is reachable.")
	case errors.Is(err, context.Canceled):
		// The client went away; it will not read this, but the log will.
		return apierr.Wrap(err, apierr.CodeClientGone, "Request canceled by the client.")
	}
	return apierr.Wrap(err, apierr.CodeKafka, "Kafka error: %s", err.Error())
}

// WithMessage is Translate, but the message is msg when the Kafka error
// carries a broker-side message (CreateTopics and friends return one).
func WithMessage(err error, msg string) *apierr.Error {
	re := Translate(err)
	if re == nil || msg == "" {
		return re
	}
	return re.WithMessage(msg)
}

// IsAuthorization reports whether err is Kafka refusing the caller an
// operation (not its login: that is an authentication error).
func IsAuthorization(err error) bool {
	re := Translate(err)
	return re != nil && re.Code == apierr.CodeKafkaAuthorization
}

// IsAuthentication reports whether err is Kafka refusing a login: the
// credentials or the mechanism, which no retry changes.
func IsAuthentication(err error) bool {
	re := Translate(err)
	return re != nil && re.Code == apierr.CodeKafkaAuthentication
}

func translateKerr(ke *kerr.Error, cause error) *apierr.Error {
	code := apierr.CodeKafka
	switch ke {
	case kerr.SaslAuthenticationFailed, kerr.UnsupportedSaslMechanism, kerr.IllegalSaslState:
		code = apierr.CodeKafkaAuthentication
	case kerr.TopicAuthorizationFailed, kerr.GroupAuthorizationFailed, kerr.ClusterAuthorizationFailed,
		kerr.TransactionalIDAuthorizationFailed, kerr.DelegationTokenAuthorizationFailed:
		code = apierr.CodeKafkaAuthorization
	case kerr.UnknownTopicOrPartition, kerr.UnknownTopicID:
		code = apierr.CodeUnknownTopicOrPartition
	case kerr.TopicAlreadyExists, kerr.InvalidReplicationFactor, kerr.InvalidPartitions, kerr.InvalidRequest,
		kerr.InvalidConfig, kerr.PolicyViolation, kerr.TopicDeletionDisabled, kerr.SecurityDisabled,
		kerr.UnsupportedVersion, kerr.UnknownServerError, kerr.InvalidTopicException, kerr.InvalidReplicaAssignment,
		kerr.InvalidPrincipalType, kerr.InvalidRecord, kerr.InvalidTimestamp, kerr.InvalidRequiredAcks,
		kerr.InvalidGroupID, kerr.NonEmptyGroup, kerr.ElectionNotNeeded, kerr.NoReassignmentInProgress:
		code = apierr.CodeKafkaBadRequest
	case kerr.MessageTooLarge, kerr.RecordListTooLarge:
		code = apierr.CodeTooLarge
	case kerr.ThrottlingQuotaExceeded:
		code = apierr.CodeThrottled
	case kerr.BrokerNotAvailable:
		code = apierr.CodeBrokerNotAvailable
	default:
		if ke.Retriable {
			code = apierr.CodeKafkaRetriable
		}
	}
	return apierr.Wrap(cause, code, "%s", ke.Description)
}
