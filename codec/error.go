package codec

import (
	"fmt"
	"net/http"
)

// Error is a client's mistake in the data of a request, in the reference's
// error model: the HTTP status, the error_code and the message.
type Error struct {
	Status, Code int
	Message      string
}

func (e *Error) Error() string { return e.Message }

// REST reports the error in the REST error model; kafka.Translate and the
// HTTP layer read it through this method, so that codec needs no import of
// theirs.
func (e *Error) REST() (status, code int, message string) { return e.Status, e.Code, e.Message }

// badRequest is the reference's 400 for bad data: "Bad Request: <detail>".
func badRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: http.StatusBadRequest, Message: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// mappingError is the reference's 400 for a record Jackson cannot map onto
// its request type: the message is Jackson's, without a prefix.
func mappingError(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

// ErrSchemaRegistryRequired is the per-record answer to data that needs a
// schema when no Schema Registry is configured.
func ErrSchemaRegistryRequired() *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: 42206,
		Message: "Payload error. Schema Registry must be configured when using schemas."}
}
