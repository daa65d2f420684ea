package codec

import (
	"fmt"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// badRequest is the reference's 400 for bad data: "Bad Request: <detail>".
func badRequest(format string, args ...any) *apierr.Error {
	return apierr.New(apierr.CodeBadRequest, "Bad Request: %s", fmt.Sprintf(format, args...))
}

// mappingError is the reference's 400 for a record Jackson cannot map onto
// its request type: the message is Jackson's, without a prefix.
func mappingError(format string, args ...any) *apierr.Error {
	return apierr.New(apierr.CodeBadRequest, format, args...)
}

// ErrSchemaRegistryRequired is the per-record answer to data that needs a
// schema when no Schema Registry is configured.
func ErrSchemaRegistryRequired() *apierr.Error {
	return apierr.New(apierr.CodeInvalidPayload, "Payload error. Schema Registry must be configured when using schemas.")
}
