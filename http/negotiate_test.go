package http

import "testing"

func TestNegotiate(t *testing.T) {
	consumerOffers := []offer{
		{"application/vnd.kafka.binary.v2+json", 0.1},
		{"application/vnd.kafka.json.v2+json", 0.1},
		{mediaV2JSON, 0.9},
	}
	cases := []struct {
		accept string
		offers []offer
		want   string
		ok     bool
	}{
		{"", consumerOffers, mediaV2JSON, true},
		{"*/*", consumerOffers, mediaV2JSON, true},
		{"application/vnd.kafka.json.v2+json", consumerOffers, "application/vnd.kafka.json.v2+json", true},
		{"application/vnd.kafka.json.v2+json;q=0.9, application/vnd.kafka.v2+json;q=0.1", consumerOffers, "application/vnd.kafka.json.v2+json", true},
		{"application/*", consumerOffers, mediaV2JSON, true},
		{"text/plain", consumerOffers, "", false},
		{"application/vnd.kafka.v2+json;q=0", consumerOffers[2:], "", false},
		{"*", []offer{{mediaJSON, 1}}, mediaJSON, true},
		{"application/json; charset=utf-8", []offer{{mediaJSON, 1}}, mediaJSON, true},
		{"garbage;;;, application/json", []offer{{mediaJSON, 1}}, mediaJSON, true},
		{"text/html, */*;q=0.1", []offer{{mediaJSON, 1}}, mediaJSON, true},
	}
	for _, tc := range cases {
		got, ok := negotiate(tc.accept, tc.offers)
		if got != tc.want || ok != tc.ok {
			t.Errorf("negotiate(%q) = %q %v, want %q %v", tc.accept, got, ok, tc.want, tc.ok)
		}
	}
}

func TestContentTypeIs(t *testing.T) {
	if !contentTypeIs("application/json; charset=UTF-8", mediaJSON) {
		t.Error("parameters are ignored")
	}
	if !contentTypeIs("Application/JSON", mediaJSON) {
		t.Error("case is ignored")
	}
	if contentTypeIs("", mediaJSON) || contentTypeIs("text/plain", mediaJSON, mediaV2JSON) {
		t.Error("a missing or other type matched")
	}
}
