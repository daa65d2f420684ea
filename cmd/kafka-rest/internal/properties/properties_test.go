package properties

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := "# a comment\n" +
		"! another comment\n" +
		"\n" +
		"   bootstrap.servers = localhost:9092\n" +
		"id:proxy-1\n" +
		"client.id proxy client\n" +
		"empty=\n" +
		"bare\n" +
		"long = one, \\\n" +
		"       two, \\\n" +
		"   three\n" +
		"escaped\\=key\\:x = tab\\there\\nnewline \\u00e9\\\\ \n" +
		"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n" +
		"    username=\"alice\" password=\"s3cr#t\";\n" +
		"emoji=\\uD83D\\uDE00\n" +
		"id=proxy-2\n" +
		"key\\ with\\ spaces=v\n" +
		"   :starts-with-colon\n"
	got, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{"bootstrap.servers", "localhost:9092", 4},
		{"id", "proxy-1", 5},
		{"client.id", "proxy client", 6},
		{"empty", "", 7},
		{"bare", "", 8},
		{"long", "one, two, three", 9},
		{"escaped=key:x", "tab\there\nnewline é\\ ", 12},
		{"sasl.jaas.config", `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cr#t";`, 13},
		{"emoji", "😀", 15},
		{"id", "proxy-2", 16},
		{"key with spaces", "v", 17},
		{"", "starts-with-colon", 18},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n%+v\nwant\n%+v", got, want)
	}
	m := Map(got)
	if m["id"] != "proxy-2" {
		t.Fatalf("the last id should win, got %q", m["id"])
	}
}

func TestParseContinuationAtEOFAndEvenBackslashes(t *testing.T) {
	got, err := Parse(strings.NewReader("a=x\\\\\nb=y\\"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{{"a", "x\\", 1}, {"b", "y", 2}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestParseMalformedUnicode(t *testing.T) {
	for _, in := range []string{"a=\\u12", "a=\\uZZZZ", "b\\u00=x"} {
		if _, err := Parse(strings.NewReader("ok=1\n" + in + "\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%q: got %v, want an error on line 2", in, err)
		}
	}
}
