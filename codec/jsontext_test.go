package codec

import (
	"bytes"
	stdjson "encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppendCompactJSON(t *testing.T) {
	for in, want := range map[string]string{
		` { "a" : [ 1 , 2.5e+3 , -0 , 1E400 ] , "b" : { } , "c" : [ ] } `: `{"a":[1,2.5e+3,-0,1E400],"b":{},"c":[]}`,
		`"\u00fc\u00E9 caf\u00e9"`:                                        `"üé café"`,
		`"\ud83d\ude00"`:                                                  `"😀"`,
		`"\u0000\u0001\u001f\u007f\b\f\n\r\t"`:                            `"\u0000\u0001\u001F` + "\x7f" + `\b\f\n\r\t"`,
		`"\u0008\u000c\u000A\u000d\u0009"`:                                `"\b\f\n\r\t"`,
		`"\/\u002f\u0022\"\u005c\\"`:                                      `"//\"\"\\\\"`,
		`"\u2028\u2029<>&"`:                                               "\"\u2028\u2029<>&\"",
		`"\ud800" `:                                                       `"\ud800"`,
		`["\uDBFF\u0041", "\uDC00\uD800"]`:                                `["\uDBFF` + `A","\uDC00\uD800"]`,
		`"\ud83d\u0041"`:                                                  `"\ud83dA"`,
		"\"é😀 as UTF-8\"":                                                 "\"é😀 as UTF-8\"",
		`true`:                                                            `true`,
		` null`:                                                           `null`,
		`[false,true,null]`:                                               `[false,true,null]`,
		`12345678901234567890123456789.5e-999999`:                         `12345678901234567890123456789.5e-999999`,
		`{"k\u00fc":"v"}`:                                                 `{"kü":"v"}`,
	} {
		got, err := AppendCompactJSON(nil, []byte(in))
		if err != nil || string(got) != want {
			t.Errorf("%s: got %s, %v; want %s", in, got, err, want)
		}
		// The same in place: the output never overtakes the input.
		buf := []byte(in)
		got, err = AppendCompactJSON(buf[:0], buf)
		if err != nil || string(got) != want || &got[0] != &buf[0] {
			t.Errorf("%s in place: got %s, %v", in, got, err)
		}
	}
	deep := strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)
	if _, err := AppendCompactJSON(nil, []byte(deep)); err != nil {
		t.Errorf("%d levels: %v", maxJSONDepth, err)
	}
	for in, why := range map[string]string{
		"\"\xff\"":             "invalid UTF-8 (byte 0xFF): JSON text must be UTF-8 at byte 1",
		"[\"ok\", \"\xc3\"]":   "invalid UTF-8 (byte 0xC3): JSON text must be UTF-8 at byte 8",
		"\"\xed\xa0\x80\"":     "invalid UTF-8 (byte 0xED)", // a surrogate in UTF-8
		"\"a\x01\"":            "control character U+0001 in a string",
		`"\x41"`:               `invalid escape '\x'`,
		`"\u00g1"`:             "four hexadecimal digits",
		`"\u00"`:               "four hexadecimal digits",
		`01`:                   "unexpected data after the JSON value at byte 1",
		`[01]`:                 "unexpected character '1' at byte 2",
		`1.`:                   "unexpected end of the JSON data at byte 2",
		`-`:                    "unexpected end",
		`1e`:                   "unexpected end",
		`.5`:                   "unexpected character '.'",
		`[1,]`:                 "unexpected character ']' at byte 3",
		`{"a" 1}`:              "unexpected character '1'",
		`{"a":1,}`:             "unexpected character '}'",
		`{1:2}`:                "unexpected character '1'",
		`[1 2]`:                "unexpected character '2'",
		`1 2`:                  "unexpected data after the JSON value at byte 2",
		`tru`:                  "unexpected character 't'",
		`"abc`:                 "unexpected end of the JSON data in a string",
		``:                     "unexpected end",
		"\xfc":                 "unexpected byte 0xFC at byte 0",
		"[" + deep + "]":       "data nests deeper than 1000 levels",
		`{"a":[}`:              "unexpected character '}'",
		strings.Repeat("[", 3): "unexpected end",
	} {
		if _, err := AppendCompactJSON(nil, []byte(in)); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: error %v, want %q", in, err, why)
		}
	}
}

func TestAppendText(t *testing.T) {
	for in, want := range map[string]string{
		`""`:                       "",
		`"plain"`:                  "plain",
		`"\u00fc\"\\\/\b\f\n\r\t"`: "ü\"\\/\b\f\n\r\t",
		`"\u0000"`:                 "\x00",
		`"\ud83d\ude00 \u2028"`:    "😀 \u2028",
		"\"caf\u00e9 \\u00e9\"":    "café é",
	} {
		got, err := appendText(nil, []byte(in))
		if err != nil || string(got) != want {
			t.Errorf("%s: got %q, %v; want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		`"\ud800"`:       `\ud800 is half of a UTF-16 surrogate pair`,
		`"\udc00\ud800"`: `\udc00 is half`,
		"\"\xfc\"":       "invalid UTF-8",
		`"a" `:           "unexpected data after the string",
		"\"\n\"":         "control character U+000A",
	} {
		if _, err := appendText(nil, []byte(in)); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: error %v, want %q", in, err, why)
		}
	}
}

// FuzzAppendCompactJSON holds the JSON data the proxy stores to the
// standard library: it takes exactly valid UTF-8 JSON (nested no deeper
// than maxJSONDepth), gives compact JSON of the same value, the same in
// place, and is its own fixed point; a string is text exactly when the
// standard library decodes it without replacing anything.
func FuzzAppendCompactJSON(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, 2.5e3, "\u00fc\ud83d\ude00\n"]}`, `"\ud800"`, `"\u0001\/"`, "\"\xff\"", `[1,]`, `01`, `-0.0e-0`,
		`{"a":{"b":[[],{}]}}`, "\"\u2028\"", `"\uDBFF\uDFFF"`, ` true `, `nul`, `[1 2]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := AppendCompactJSON(nil, in)
		valid := stdjson.Valid(in) && utf8.Valid(in)
		if err != nil {
			if valid && !strings.Contains(err.Error(), "nests deeper") {
				t.Fatalf("%q is valid JSON, but: %v", in, err)
			}
			return
		}
		if !valid {
			t.Fatalf("%q is not valid UTF-8 JSON, but gave %q", in, got)
		}
		var compact bytes.Buffer
		if err := stdjson.Compact(&compact, got); err != nil || !bytes.Equal(compact.Bytes(), got) {
			t.Fatalf("%q gave %q, which is not compact JSON (%v)", in, got, err)
		}
		var a, b any
		decode := func(data []byte, v *any) {
			dec := stdjson.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			if err := dec.Decode(v); err != nil {
				t.Fatalf("%q: %v", data, err)
			}
		}
		decode(in, &a)
		decode(got, &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%q gave %q, another value: %v, %v", in, got, a, b)
		}
		if again, err := AppendCompactJSON(nil, got); err != nil || !bytes.Equal(again, got) {
			t.Fatalf("%q gave %q, which gives %q, %v", in, got, again, err)
		}
		buf := bytes.Clone(in)
		if inPlace, err := AppendCompactJSON(buf[:0], buf); err != nil || !bytes.Equal(inPlace, got) {
			t.Fatalf("%q in place gave %q, %v; not in place %q", in, inPlace, err, got)
		}
		if in[0] != '"' && !bytes.HasPrefix(bytes.TrimLeft(in, " \t\r\n"), []byte(`"`)) {
			return
		}
		lit := bytes.TrimSpace(in)
		text, terr := appendText(nil, lit)
		var s string
		_ = stdjson.Unmarshal(lit, &s)
		if terr == nil && s != string(text) || terr != nil && !strings.Contains(s, "\uFFFD") {
			t.Fatalf("%q as text: %q, %v; the standard library %q", lit, text, terr, s)
		}
	})
}
