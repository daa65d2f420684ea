package apierr

// The error codes of the reference. A three-digit code is an HTTP status
// used as the code too; the five-digit codes are Confluent's own.
const (
	// Generic codes, equal to their status.
	CodeBadRequest           = 400
	CodeUnauthorized         = 401
	CodeForbidden            = 403
	CodeNotFound             = 404
	CodeMethodNotAllowed     = 405
	CodeNotAcceptable        = 406
	CodeRequestTimeout       = 408
	CodeConflict             = 409
	CodeTooLarge             = 413
	CodeUnsupportedMedia     = 415
	CodeUnprocessableEntity  = 422
	CodeTooManyRequests      = 429
	CodeHeaderFieldsTooLarge = 431
	// CodeClientGone is nginx's 499: the client left before the answer.
	// It is logged and counted, never written.
	CodeClientGone  = 499
	CodeInternal    = 500
	CodeUnavailable = 503

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
