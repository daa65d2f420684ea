package apierr

import (
	"errors"
	"io"
	"testing"
)

func TestStatusOf(t *testing.T) {
	for code, want := range map[int]int{
		CodeNotFound: 404, CodeConsumerInstanceNotFound: 404, CodeSerialization: 408,
		CodeKafkaRetriable: 500, CodeClientGone: 499, CodeTooLarge: 413, CodeBrokerNotAvailable: 503,
	} {
		if got := StatusOf(code); got != want {
			t.Errorf("StatusOf(%d) = %d, want %d", code, got, want)
		}
	}
}

func TestWrap(t *testing.T) {
	e := Wrap(io.EOF, CodeKafkaRetriable, "Kafka %s", "went away")
	if e.Status != 500 || e.Code != 50003 || e.Message != "Kafka went away" || !errors.Is(e, io.EOF) {
		t.Fatalf("Wrap: %+v", e)
	}
	if got, want := e.Error(), "500 50003: Kafka went away: EOF"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if got, ok := As(errors.Join(errors.New("x"), e)); !ok || got != e {
		t.Fatalf("As did not find the error in the chain")
	}
	if c := NewStatus(422, CodeInvalidConsumerConfigConstraint, "x"); c.Status != 422 || c.Code != 40001 {
		t.Fatalf("NewStatus: %+v", c)
	}
	if m := e.WithMessage("other"); m.Message != "other" || e.Message != "Kafka went away" || m.Code != e.Code {
		t.Fatalf("WithMessage: %+v, original %+v", m, e)
	}
}
