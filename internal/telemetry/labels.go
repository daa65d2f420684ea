package telemetry

import (
	"strings"
	"sync"
)

// otherLabel is the label value every value beyond the cap shares.
const otherLabel = "other"

// Labels hands out the series of a label's values (topics, groups,
// brokers) up to a cap; every value beyond it shares the "other" series,
// so that clients naming any number of topics cannot grow the metrics
// without bound. Values are never evicted: a counter that disappears and
// comes back would read as a reset.
type Labels[S any] struct {
	mu    sync.RWMutex
	max   int
	byVal map[string]S
	other S
	// build makes the series of a label value, already escaped.
	build func(escaped string) S
}

// NewLabels returns the series of up to max values of a label, each made by
// build from the value, escaped for Prometheus, on its first admitted use.
func NewLabels[S any](max int, build func(escaped string) S) *Labels[S] {
	return &Labels[S]{max: max, byVal: make(map[string]S), other: build(otherLabel), build: build}
}

// Get returns v's series. A value not seen before gets its own only when
// admit is true and the cap allows; otherwise it shares "other". Callers
// admit a value once it proved real (a topic that took a record), so that
// requests naming made-up topics cannot take the slots of real ones.
func (b *Labels[S]) Get(v string, admit bool) S {
	b.mu.RLock()
	s, ok := b.byVal[v]
	b.mu.RUnlock()
	if ok {
		return s
	}
	if !admit || v == otherLabel {
		return b.other
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.byVal[v]; ok {
		return s
	}
	if len(b.byVal) >= b.max {
		return b.other
	}
	s = b.build(escape(v))
	b.byVal[v] = s
	return s
}

// escape makes v a Prometheus label value: backslash, double quote and new
// line escaped.
func escape(v string) string {
	if !strings.ContainsAny(v, "\\\"\n") {
		return v
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}
