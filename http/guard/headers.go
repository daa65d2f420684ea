package guard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// HeaderDirective is one directive of the reference's
// response.http.headers.config (Jetty's HeaderFilter): "set Name: value",
// "add Name: value", "setDate Name: ms" or "addDate Name: ms", the last two
// writing the date ms milliseconds from now.
type HeaderDirective struct {
	Action, Name, Value string
	offset              time.Duration
}

// ParseHeaderDirectives reads a comma-separated list of directives; a
// directive whose value holds a comma is written in double quotes, as in
// Jetty: set X-Frame-Options: DENY,"add Cache-Control: no-cache, no-store".
func ParseHeaderDirectives(s string) ([]HeaderDirective, error) {
	var out []HeaderDirective
	for _, item := range splitQuoted(s) {
		if item = strings.TrimSpace(item); item == "" {
			continue
		}
		action, rest, _ := strings.Cut(item, " ")
		name, value, ok := strings.Cut(rest, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return nil, fmt.Errorf("%q is not \"<action> <header name>: <value>\"", item)
		}
		d := HeaderDirective{Action: action, Name: http.CanonicalHeaderKey(name), Value: value}
		switch action {
		case "set", "add":
		case "setDate", "addDate":
			ms, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%q: a date directive's value is milliseconds from now", item)
			}
			d.offset = time.Duration(ms) * time.Millisecond
		default:
			return nil, fmt.Errorf("%q: the action must be set, add, setDate or addDate", item)
		}
		out = append(out, d)
	}
	return out, nil
}

// splitQuoted splits s on commas outside double quotes and drops the quotes.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

// applyHeaders writes the directives into a response's headers before its
// handler runs, so that every answer, errors included, carries them.
func applyHeaders(h http.Header, ds []HeaderDirective, now time.Time) {
	for _, d := range ds {
		v := d.Value
		if d.Action == "setDate" || d.Action == "addDate" {
			v = now.Add(d.offset).UTC().Format(http.TimeFormat)
		}
		if d.Action == "set" || d.Action == "setDate" {
			h.Set(d.Name, v)
		} else {
			h.Add(d.Name, v)
		}
	}
}
