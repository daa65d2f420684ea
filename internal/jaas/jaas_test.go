package jaas

import (
	"reflect"
	"strings"
	"testing"
)

// TestParseEntry: a sasl.jaas.config value (moved from kafka's parser).
func TestParseEntry(t *testing.T) {
	j, err := ParseEntry(`org.apache.kafka.common.security.scram.ScramLoginModule required
		username="alice"  password="p\"w;d=1" extra=bare ;`)
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{Module: "org.apache.kafka.common.security.scram.ScramLoginModule", Flag: "required",
		Options: map[string]string{"username": "alice", "password": `p"w;d=1`, "extra": "bare"}}
	if !reflect.DeepEqual(j, want) {
		t.Fatalf("got %+v, want %+v", j, want)
	}
	for in, msg := range map[string]string{
		"":                                  "expected a login module",
		"X.Plain demanded;":                 "expected a control flag",
		`X required username="a"`:           "missing the closing ';'",
		`X required username="a`:            "unterminated quoted value",
		`X required username;`:              "expected key=value",
		`X required a="1"; Y required b=2;`: "only one login module",
		// What the file parser also reports.
		`X required a="1"`:                    "must end with ';'",
		"/* a comment that never ends":        "a /* comment is not closed",
		`X required a=;`:                      `expected a value after a=`,
		`X required "a"="1";`:                 "expected key=value",
		`X required a="1"; }`:                 `unexpected "}"`,
		`KafkaClient { X required a="1"; };`:  "a section (\"KafkaClient { ... };\") where one login module was expected",
		`X required a="\`:                     "unterminated quoted value",
		`"X" required a="1";`:                 "expected a login module class name",
		"X required a='1\nb=2;":               "unterminated quoted value: a ' opened on line 1",
		`X required password=secret username`: "expected key=value",
	} {
		if _, err := ParseEntry(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: got %v, want an error containing %q", in, err, msg)
		}
	}
}

// TestParseEntryAsJava: what the file parser already read in a
// sasl.jaas.config value too (comments, any case of flag), and Java's
// quoting: single quotes and StreamTokenizer's escapes.
func TestParseEntryAsJava(t *testing.T) {
	for in, want := range map[string]Entry{
		"// Kafka's client\nM REQUIRED /* the user */ username=\"u\" # and the password\n password=\"p\";": {
			Module: "M", Flag: "required", Options: map[string]string{"username": "u", "password": "p"}},
		`M optional a='it' b='say "hi"' c="\t\n\\\101\7\q\'" d = "" e=ldap://host:389 f=pass#word;`: {
			Module: "M", Flag: "optional", Options: map[string]string{"a": "it", "b": `say "hi"`, "c": "\t\n\\A\aq'", "d": "", "e": "ldap://host:389", "f": "pass#word"}},
		`M sufficient a="\477" b="\3777";`: {
			Module: "M", Flag: "sufficient", Options: map[string]string{"a": "\x277", "b": "\u00ff7"}},
		"M requisite a=\"two\nlines\";": {Module: "M", Flag: "requisite", Options: map[string]string{"a": "two\nlines"}},
		"M required a=1; // the end\n":  {Module: "M", Flag: "required", Options: map[string]string{"a": "1"}},
	} {
		got, err := ParseEntry(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %+v\nwant %+v", in, got, want)
		}
	}
}

// TestParseFile: a login configuration file with sections (the BASIC
// realm's), comments, several modules, and Java's quoting and escapes.
func TestParseFile(t *testing.T) {
	got, err := ParseFile(`/* the reference's example */
KafkaRest {
    org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required
    file="/etc/kafka-rest/password.properties"
    debug="false";
};
// another application's section, on one line
Other { com.example.LdapLoginModule sufficient url="ldap://x"; com.example.Second OPTIONAL q="a \"b\"" ; }
# a section without the final ';', and one without modules
Empty { }
`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Entry{
		"KafkaRest": {{Module: "org.eclipse.jetty.jaas.spi.PropertyFileLoginModule", Flag: "required",
			Options: map[string]string{"file": "/etc/kafka-rest/password.properties", "debug": "false"}}},
		"Other": {
			{Module: "com.example.LdapLoginModule", Flag: "sufficient", Options: map[string]string{"url": "ldap://x"}},
			{Module: "com.example.Second", Flag: "optional", Options: map[string]string{"q": `a "b"`}},
		},
		"Empty": nil,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}

	for in, msg := range map[string]string{
		`KafkaRest { org.eclipse.jetty.jaas.spi.PropertyFileLoginModule required file="x" `: "must end with ';'",
		"A {\n M required a=1; };\nA { N required; };":                                      "line 3: section A appears twice",
		"A {\n M required a=1;":              "section A is not closed with '}'",
		"A {\n M demanded a=1; };":           "line 2: section A: expected a control flag (required, requisite, sufficient, optional) after M",
		"A\n M required a=1; };":             `expected a section name and '{' at "A"`,
		"A { M required a=\"1\" }":           "section A: missing the closing ';' of login module M",
		"A { M required a=\"1; };":           "unterminated quoted value",
		"A { M required a=1; }; /* trailing": "a /* comment is not closed",
		`A { M required p="x\"; };`:          "unterminated quoted value",
	} {
		if _, err := ParseFile(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: got %v, want an error containing %q", in, err, msg)
		}
	}
}

// FuzzParse: no input makes either parser panic, and any option value,
// quoted with Java's escapes, reads back as itself.
func FuzzParse(f *testing.F) {
	f.Add(`M required a="b";`, "p\"w;d=1")
	f.Add("A { M required a=\"\\101\"; };", "\\\n\t'")
	f.Add("/* x */ # y\n// z", "")
	f.Fuzz(func(t *testing.T, src, value string) {
		_, _ = ParseFile(src)
		_, _ = ParseEntry(src)
		quoted := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value) + `"`
		e, err := ParseEntry("M required k=" + quoted + ";")
		if err != nil || e.Options["k"] != value {
			t.Fatalf("value %q quoted as %s: %v %q", value, quoted, err, e.Options["k"])
		}
		sections, err := ParseFile("S { M required k=" + quoted + "; };")
		if err != nil || len(sections["S"]) != 1 || sections["S"][0].Options["k"] != value {
			t.Fatalf("value %q quoted as %s in a file: %v %+v", value, quoted, err, sections)
		}
	})
}
