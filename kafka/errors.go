package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// REST error codes of Confluent's proxy. The HTTP status is the first three
// digits of a five-digit code, except where Status says otherwise.
const (
	CodeInvalidConsumerConfigConstraint = 40001
	CodeKafkaBadRequest                 = 40002
	CodeKafkaAuthentication             = 40101
	CodeKafkaAuthorization              = 40301
	CodeTopicNotFound                   = 40401
	CodePartitionNotFound               = 40402
	CodeUnknownTopicOrPartition         = 40403
	CodeConsumerInstanceNotFound        = 40403
	CodeConsumerFormatMismatch          = 40601
	CodeSerialization                   = 40801
	CodeConsumerAlreadyExists           = 40902
	CodeIllegalState                    = 40903
	CodeKeySchemaMissing                = 42201
	CodeValueSchemaMissing              = 42202
	CodeInvalidConsumerConfig           = 42204
	CodeInvalidSchema                   = 42205
	CodeInvalidPayload                  = 42206
	CodeSerializeFailed                 = 42207
	CodeInvalidBatch                    = 42208
	CodeThrottled                       = 42901
	CodeKafka                           = 50002
	CodeKafkaRetriable                  = 50003
	CodeBrokerNotAvailable              = 50302
)

// Error is an error in the REST error model: an HTTP status, the error_code
// clients see in the body, and the message. Every layer returns it for errors
// a client should see; anything else is an internal error (500).
type Error struct {
	// Status is the HTTP status of the response.
	Status int
	// Code is the error_code of the body; often equal to Status.
	Code int
	// Message is the message of the body.
	Message string
	// Err is the cause, if any; it is never shown to clients unless the
	// proxy runs with debug=true.
	Err error
}

// Errorf returns an *Error with the given status and code and a formatted
// message.
func Errorf(status, code int, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %d: %s: %v", e.Status, e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %d: %s", e.Status, e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrPartitionNotFound is the reference's 404 40402 for a partition the
// topic does not have.
func ErrPartitionNotFound() *Error {
	return &Error{Status: http.StatusNotFound, Code: CodePartitionNotFound, Message: "Partition not found."}
}

// Translate maps any error from a Kafka call onto the REST error model, the
// way Confluent's proxy maps Kafka exceptions (rest-utils KafkaExceptionMapper
// plus kafka-rest's overrides). An error that already is an *Error is
// returned unchanged; nil stays nil.
func Translate(err error) *Error {
	if err == nil {
		return nil
	}
	var re *Error
	if errors.As(err, &re) {
		return re
	}
	// Errors of other packages (codec's data errors) that know their
	// place in the REST error model.
	var rest interface {
		REST() (status, code int, message string)
	}
	if errors.As(err, &rest) {
		status, code, msg := rest.REST()
		return &Error{Status: status, Code: code, Message: msg, Err: err}
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return translateKerr(ke, err)
	}
	var ae *kadm.AuthError
	if errors.As(err, &ae) {
		return &Error{Status: http.StatusForbidden, Code: CodeKafkaAuthorization, Message: ae.Error(), Err: err}
	}
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(err, kgo.ErrRecordTimeout), errors.Is(err, kgo.ErrRecordRetries):
		// The Java producer's expiry and retry exhaustion, which the
		// reference answers as retriable.
		return &Error{Status: http.StatusInternalServerError, Code: CodeKafkaRetriable,
			Message: "Kafka did not acknowledge the record in time: " + err.Error(), Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &Error{Status: http.StatusInternalServerError, Code: CodeKafkaRetriable,
			Message: "Timed out waiting for the Kafka cluster. Check that bootstrap.servers is reachable.", Err: err}
	case errors.As(err, &oe), errors.Is(err, kgo.ErrClientClosed):
		return &Error{Status: http.StatusInternalServerError, Code: CodeKafkaRetriable,
			Message: "The Kafka cluster cannot be reached. Check that bootstrap.servers is reachable.", Err: err}
	case errors.Is(err, context.Canceled):
		// The client went away; it will not read this, but the log will.
		return &Error{Status: 499, Code: 499, Message: "Request canceled by the client.", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeKafka, Message: "Kafka error: " + err.Error(), Err: err}
}

// WithMessage is Translate, but the message is msg when the Kafka error
// carries a broker-side message (CreateTopics and friends return one).
func WithMessage(err error, msg string) *Error {
	re := Translate(err)
	if re == nil || msg == "" {
		return re
	}
	cp := *re
	cp.Message = msg
	return &cp
}

// authenticationFailed reports whether err is Kafka refusing a login:
// the credentials or the mechanism, which no retry changes.
func authenticationFailed(err error) bool {
	var ke *kerr.Error
	if !errors.As(err, &ke) {
		return false
	}
	switch ke {
	case kerr.SaslAuthenticationFailed, kerr.UnsupportedSaslMechanism, kerr.IllegalSaslState:
		return true
	}
	return false
}

func translateKerr(ke *kerr.Error, cause error) *Error {
	e := &Error{Message: ke.Description, Err: cause}
	if authenticationFailed(ke) {
		e.Status, e.Code = http.StatusUnauthorized, CodeKafkaAuthentication
		return e
	}
	switch ke {
	case kerr.TopicAuthorizationFailed, kerr.GroupAuthorizationFailed, kerr.ClusterAuthorizationFailed,
		kerr.TransactionalIDAuthorizationFailed, kerr.DelegationTokenAuthorizationFailed:
		e.Status, e.Code = http.StatusForbidden, CodeKafkaAuthorization
	case kerr.UnknownTopicOrPartition, kerr.UnknownTopicID:
		e.Status, e.Code = http.StatusNotFound, CodeUnknownTopicOrPartition
	case kerr.TopicAlreadyExists, kerr.InvalidReplicationFactor, kerr.InvalidPartitions, kerr.InvalidRequest,
		kerr.InvalidConfig, kerr.PolicyViolation, kerr.TopicDeletionDisabled, kerr.SecurityDisabled,
		kerr.UnsupportedVersion, kerr.UnknownServerError, kerr.InvalidTopicException, kerr.InvalidReplicaAssignment,
		kerr.InvalidPrincipalType, kerr.InvalidRecord, kerr.InvalidTimestamp, kerr.InvalidRequiredAcks,
		kerr.InvalidGroupID, kerr.NonEmptyGroup, kerr.ElectionNotNeeded, kerr.NoReassignmentInProgress:
		e.Status, e.Code = http.StatusBadRequest, CodeKafkaBadRequest
	case kerr.MessageTooLarge, kerr.RecordListTooLarge:
		e.Status, e.Code = http.StatusRequestEntityTooLarge, http.StatusRequestEntityTooLarge
	case kerr.ThrottlingQuotaExceeded:
		e.Status, e.Code = http.StatusTooManyRequests, CodeThrottled
	case kerr.BrokerNotAvailable:
		e.Status, e.Code = http.StatusServiceUnavailable, CodeBrokerNotAvailable
	default:
		e.Status, e.Code = http.StatusInternalServerError, CodeKafka
		if ke.Retriable {
			e.Code = CodeKafkaRetriable
		}
	}
	return e
}
