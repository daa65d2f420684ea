package schema

import (
	"context"
	"slices"
)

// SubjectOf names the subject of schema id for topic's keys (key) or
// values: TopicNameStrategy's <topic>-key or <topic>-value when the id is
// registered under it, else the id's only subject (the record name
// strategies' subjects among them). ok is false
// when the id has several subjects and none is the strategy's, or when the
// registry cannot say: a read then renders the id without a subject.
func (r *Registry) SubjectOf(ctx context.Context, id int, topic string, key bool) (string, bool) {
	subjects, ok := r.subjects.Get(id)
	if !ok {
		var err error
		if subjects, err = r.cl.SubjectsByID(ctx, id); err != nil {
			return "", false
		}
		r.subjects.Add(id, subjects)
	}
	suffix := "-value"
	if key {
		suffix = "-key"
	}
	if want := topic + suffix; slices.Contains(subjects, want) {
		return want, true
	}
	if len(subjects) == 1 {
		return subjects[0], true
	}
	return "", false
}
