package codec

import (
	"errors"
	"testing"
)

func TestDecode(t *testing.T) {
	type body struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	var b body
	if err := Decode([]byte(` {"name":"x","count":2} `), &b); err != nil || b != (body{"x", 2}) {
		t.Fatalf("got %+v %v", b, err)
	}
	var uf *UnknownFieldError
	if err := Decode([]byte(`{"name":"x","records":1}`), &b); !errors.As(err, &uf) || uf.Field != "records" || err.Error() != "Unrecognized field: records" {
		t.Fatalf("unknown field: %v", err)
	}
	for in, want := range map[string]string{
		`{"name":`:        "Unexpected end of the JSON input.",
		``:                "Unexpected end of the JSON input.",
		`{"name":"x"} {}`: "Unexpected data after the JSON value.",
		`{"count":"two"}`: "Cannot deserialize count: expected a number, got string.",
		`"foobar"`:        "Cannot deserialize the request body: expected an object, got string.",
		`{"name":"x",}`:   "",
		`{name:"x"}`:      "",
	} {
		var se *SyntaxError
		err := Decode([]byte(in), &b)
		if !errors.As(err, &se) {
			t.Errorf("%q: %v, want a *SyntaxError", in, err)
			continue
		}
		if want != "" && se.Msg != want {
			t.Errorf("%q: %q, want %q", in, se.Msg, want)
		}
	}
	var m map[string]string
	if err := Decode([]byte(`{"a":"b"}`), &m); err != nil || m["a"] != "b" {
		t.Fatalf("map: %v %v", m, err)
	}
}
