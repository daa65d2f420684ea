package kafka

import (
	"strings"
	"testing"

	"github.com/kafka-rest-go/kafka-rest/internal/apierr"
)

// TestTopicNameError: Kafka's Topic.validate, its checks in its order and
// its words, lengths counted in UTF-16 units as Java counts them.
func TestTopicNameError(t *testing.T) {
	const prefix = "Topic name is invalid: "
	emoji := strings.Repeat("😀", 125) // 250 UTF-16 units, 125 runes
	for name, want := range map[string]string{
		"orders":                 "",
		"a.b_c-D9":               "",
		"-":                      "",
		strings.Repeat("a", 249): "",
		"":                       prefix + "the empty string is not allowed",
		".":                      prefix + "'.' is not allowed",
		"..":                     prefix + "'..' is not allowed",
		strings.Repeat("a", 250): prefix + "the length of '" + strings.Repeat("a", 250) + "' is longer than the max allowed length 249",
		emoji:                    prefix + "the length of '" + emoji + "' is longer than the max allowed length 249",
		"a b":                    prefix + "'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
		"topic/x":                prefix + "'topic/x' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
	} {
		err := TopicNameError(name)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v, want valid", name, err)
		case want != "" && (err == nil || err.Status != 400 || err.Code != apierr.CodeKafkaBadRequest || err.Message != want):
			t.Errorf("%q: %v, want 400 40002 %q", name, err, want)
		}
		if ValidTopicName(name) != (want == "") {
			t.Errorf("ValidTopicName(%q) = %v", name, !(want == ""))
		}
	}
}
