package main

import (
	"fmt"
	"io"
	"strings"
)

// writeSampleProperties writes a kafka-rest.properties with every key the
// proxy reads, commented out at its default under its description, from
// the same table as --help, so that the sample can never drift from the
// proxy. Uncommenting any line keeps the proxy's behaviour as it was.
func writeSampleProperties(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`# kafka-rest.properties: every key kafka-rest reads, commented out at its
# default. Uncomment and change what you need; kafka-rest --help lists the
# same keys. Written by kafka-rest --sample-properties.
#
# Every key can also be set in the environment as KAFKA_REST_<KEY>: upper
# case, '.' as '_', '_' as '__', '-' as '___' (KAFKA_REST_BOOTSTRAP_SERVERS).
# The environment wins over this file.
#
# Kafka client settings pass through with the prefixes client.* (every
# client), producer.*, consumer.* and admin.* (e.g. client.security.protocol,
# producer.acks); kafka-rest --help lists the ones it maps.
`)
	var legacy []string
	for _, s := range settings() {
		if s.legacy {
			legacy = append(legacy, s.key)
			continue
		}
		b.WriteString("\n")
		wrapComment(&b, s.doc, 78)
		fmt.Fprintf(&b, "#%s=%s\n", s.key, s.def)
	}
	b.WriteString("\n")
	wrapComment(&b, "Accepted with no effect, as in Confluent's proxy: "+strings.Join(legacy, ", ")+".", 78)
	_, err := io.WriteString(w, b.String())
	return err
}

// wrapComment writes text as "# " lines of at most width characters
// (longer words stay whole).
func wrapComment(b *strings.Builder, text string, width int) {
	line := "#"
	for _, word := range strings.Fields(text) {
		if len(line) > 1 && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = "#"
		}
		line += " " + word
	}
	b.WriteString(line + "\n")
}
