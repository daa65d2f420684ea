package codec

import "testing"

func TestUnknownField(t *testing.T) {
	for raw, want := range map[string]string{
		`{}`: "",
		`{"headers":[{"name":"x","value":"eQ=="}],"value":{"type":"STRING","data":{"nested":{"x":[1,{"y":"}"}]}}}}`: "",
		`{ "timestamp" : 123 , "partition_id" : 1 , "key" : null }`:                                                 "",
		`{"valu\u0065":{"d\u0061ta":"x\"y\\"}}`:                                                                     "",
		`{"value":{"type":"STRING","bogus":1}}`:                                                                     "bogus",
		`{"key":{"data":"\\\"}","sneaky":true}}`:                                                                    "sneaky",
		`{"partition_id":1,"records":[]}`:                                                                           "records",
		`{"value":"not an object","x":1}`:                                                                           "x",
	} {
		got, bad := unknownField([]byte(raw))
		if got != want || bad != (want != "") {
			t.Errorf("%s: got %q %v, want %q", raw, got, bad, want)
		}
	}
}
