package rest

import "testing"

func TestNegotiate(t *testing.T) {
	consumerOffers := []Offer{
		{"application/vnd.kafka.binary.v2+json", 0.1},
		{"application/vnd.kafka.json.v2+json", 0.1},
		{MediaV2JSON, 0.9},
	}
	cases := []struct {
		accept string
		offers []Offer
		want   string
		ok     bool
	}{
		{"", consumerOffers, MediaV2JSON, true},
		{"*/*", consumerOffers, MediaV2JSON, true},
		{"application/vnd.kafka.json.v2+json", consumerOffers, "application/vnd.kafka.json.v2+json", true},
		{"application/vnd.kafka.json.v2+json;q=0.9, application/vnd.kafka.v2+json;q=0.1", consumerOffers, "application/vnd.kafka.json.v2+json", true},
		{"application/*", consumerOffers, MediaV2JSON, true},
		{"text/plain", consumerOffers, "", false},
		{"application/vnd.kafka.v2+json;q=0", consumerOffers[2:], "", false},
		{"*", []Offer{{MediaJSON, 1}}, MediaJSON, true},
		{"application/json; charset=utf-8", []Offer{{MediaJSON, 1}}, MediaJSON, true},
		{"garbage;;;, application/json", []Offer{{MediaJSON, 1}}, MediaJSON, true},
		{"text/html, */*;q=0.1", []Offer{{MediaJSON, 1}}, MediaJSON, true},
	}
	for _, tc := range cases {
		got, ok := Negotiate(tc.accept, tc.offers)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Negotiate(%q) = %q %v, want %q %v", tc.accept, got, ok, tc.want, tc.ok)
		}
	}
}

func TestContentTypeIs(t *testing.T) {
	if !ContentTypeIs("application/json; charset=UTF-8", MediaJSON) {
		t.Error("parameters are ignored")
	}
	if !ContentTypeIs("Application/JSON", MediaJSON) {
		t.Error("case is ignored")
	}
	if ContentTypeIs("", MediaJSON) || ContentTypeIs("text/plain", MediaJSON, MediaV2JSON) {
		t.Error("a missing or other type matched")
	}
}
