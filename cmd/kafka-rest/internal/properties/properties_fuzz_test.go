package properties

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// escapeTokens escapes s as java.util.Properties.store writes a key
// (escapeSpace) or a value, one token per character of s, so that a line
// break can be put between any two.
func escapeTokens(s string, escapeSpace bool) []string {
	var out []string
	for i, r := range s {
		switch {
		case r == ' ' && (i == 0 || escapeSpace):
			out = append(out, `\ `)
		case r == '\t':
			out = append(out, `\t`)
		case r == '\n':
			out = append(out, `\n`)
		case r == '\r':
			out = append(out, `\r`)
		case r == '\f':
			out = append(out, `\f`)
		case r == '=', r == ':', r == '#', r == '!', r == '\\':
			out = append(out, `\`+string(r))
		case r < 0x20 || r > 0x7e:
			var b strings.Builder
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04X`, u)
			}
			out = append(out, b.String())
		default:
			out = append(out, string(r))
		}
	}
	return out
}

// FuzzParse checks the properties parser against a writer that escapes as
// Java's Properties.store does: whatever keys and values it writes, with
// any of the separators and a continuation line anywhere a writer may put
// one, come back exactly, on their lines. Any text at all parses or fails
// with the line it failed on, never a panic.
func FuzzParse(f *testing.F) {
	f.Add("bootstrap.servers", "localhost:9092", "sasl.jaas.config", `org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="s3cr#t";`, uint8(0), uint8(3))
	f.Add("key with spaces", "  leading and trailing  ", "#!=:", `C:\path\to`, uint8(1), uint8(1))
	f.Add("é", "😀 \t\n\r\f", "", "", uint8(2), uint8(0))
	f.Add("a", "", "b\\", "\x00\x7f", uint8(3), uint8(200))
	seps := []string{"=", ":", " ", " = ", "\t: "}
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string, sep, brk uint8) {
		// Any text at all.
		text := k1 + "\n" + v1 + "\\\n" + k2 + "=" + v2
		entries, err := Parse(strings.NewReader(text))
		if err != nil && !strings.HasPrefix(err.Error(), "line ") {
			t.Fatalf("parsing %q: error %q does not say its line", text, err)
		}
		lines := strings.Count(text, "\n") + 1
		for _, e := range entries {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("parsing %q: entry %+v outside lines 1..%d", text, e, lines)
			}
		}

		// What a writer writes comes back.
		if !utf8.ValidString(k1) || !utf8.ValidString(v1) || !utf8.ValidString(k2) || !utf8.ValidString(v2) || k1 == "" || k2 == "" {
			return // Java strings hold characters; a key is never empty
		}
		s := seps[int(sep)%len(seps)]
		if s == " " && v1 != "" && (v1[0] == '=' || v1[0] == ':') {
			s = "=" // the first '=' or ':' after white space is a separator
		}
		valTokens := escapeTokens(v1, false)
		var b strings.Builder
		b.WriteString("# written by FuzzParse\n\n")
		b.WriteString(strings.Join(escapeTokens(k1, true), "") + s)
		at, broke := int(brk)%(len(valTokens)+1), 0
		for i, tok := range valTokens {
			// A continuation line drops its leading white space: a
			// writer breaks only before a token that does not start
			// with it.
			if i == at && tok[0] != ' ' {
				b.WriteString("\\\n    ")
				broke = 1
			}
			b.WriteString(tok)
		}
		b.WriteString("\n! another comment\n   ")
		b.WriteString(strings.Join(escapeTokens(k2, true), "") + "=" + strings.Join(escapeTokens(v2, false), "") + "\n")
		written := b.String()
		got, err := Parse(strings.NewReader(written))
		if err != nil {
			t.Fatalf("parsing what was written, %q: %v", written, err)
		}
		want := []Entry{{k1, v1, 3}, {k2, v2, 5 + broke}}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("wrote %q\ngot  %+v\nwant %+v", written, got, want)
		}
	})
}
