package apierr

import (
	"errors"
	"fmt"
)

// Error is an error in the API error model: the HTTP status of the answer,
// the error_code of its body, and the message. Err is the cause, if any; it
// is never shown to clients unless the proxy runs with debug=true.
type Error struct {
	// Status is the HTTP status of the answer; New and Wrap derive it from
	// Code.
	Status int
	// Code is the error_code of the body; often equal to Status.
	Code int
	// Message is the message of the body.
	Message string
	// Err is the cause.
	Err error
}

// New returns an error with the given code, the status that follows from
// it (see StatusOf), and a formatted message.
func New(code int, format string, args ...any) *Error {
	return &Error{Status: StatusOf(code), Code: code, Message: fmt.Sprintf(format, args...)}
}

// NewStatus is New for the few answers of the reference whose status does
// not follow from their code (40001 is answered with a 422).
func NewStatus(status, code int, format string, args ...any) *Error {
	e := New(code, format, args...)
	e.Status = status
	return e
}

// Wrap is New with a cause, which errors.Is and errors.As see through the
// returned error.
func Wrap(cause error, code int, format string, args ...any) *Error {
	e := New(code, format, args...)
	e.Err = cause
	return e
}

// StatusOf is the HTTP status of an error code: the first three digits of a
// five-digit code, else the code itself.
func StatusOf(code int) int {
	for code >= 1000 {
		code /= 10
	}
	return code
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %d: %s: %v", e.Status, e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %d: %s", e.Status, e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// As returns the *Error in err's chain, if there is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// WithMessage returns a copy of e that says msg instead.
func (e *Error) WithMessage(msg string) *Error {
	cp := *e
	cp.Message = msg
	return &cp
}
