package rest

import (
	"slices"
	"testing"
)

// FuzzNegotiate checks content negotiation against any Accept header: the
// answer is one of the offered types or a refusal (406), the same for the
// same header; an offer named alone with no q is always the one chosen;
// no Accept and */* choose the offer of highest weight; and a type the
// header gives q=0 is never chosen.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{
		"",
		"*/*",
		"application/vnd.kafka.json.v2+json;q=0.9, application/vnd.kafka.v2+json;q=0.1",
		"application/*;q=0.5, text/plain",
		"application/json; q=0",
		"*; q=.2",
		"application/vnd.kafka.binary.v2+json;q=abc, */*;q=0",
		`text/html;level="1,2", application/json`,
	} {
		f.Add(s, uint8(0))
	}
	offerSets := [][]Offer{
		{{MediaJSON, 1}},
		{{MediaV2JSON, 1}, {MediaJSON, 0.9}},
		{{"application/vnd.kafka.binary.v2+json", 0.1}, {"application/vnd.kafka.json.v2+json", 0.1}, {MediaV2JSON, 0.9}},
	}
	f.Fuzz(func(t *testing.T, accept string, set uint8) {
		offers := offerSets[int(set)%len(offerSets)]
		got, ok := Negotiate(accept, offers)
		if again, ok2 := Negotiate(accept, offers); again != got || ok2 != ok {
			t.Fatalf("Accept %q: %q %v, then %q %v", accept, got, ok, again, ok2)
		}
		isOffer := slices.ContainsFunc(offers, func(o Offer) bool { return o.Media == got })
		if ok != isOffer || (!ok && got != "") {
			t.Fatalf("Accept %q: %q %v is neither an offer nor a refusal", accept, got, ok)
		}
		for _, r := range parseAccept(accept) {
			if r.typ+"/"+r.sub == got {
				// The first range naming the type exactly decides.
				if r.q == 0 {
					t.Fatalf("Accept %q: chose %q, which it refuses with q=0", accept, got)
				}
				break
			}
		}

		// An offer named alone is chosen; no Accept, or */*, chooses the
		// heaviest offer (the first among equals).
		heaviest := offers[0]
		for _, o := range offers[1:] {
			if o.QS > heaviest.QS {
				heaviest = o
			}
		}
		for _, h := range []string{"", "*/*", " */* "} {
			if m, ok := Negotiate(h, offers); !ok || m != heaviest.Media {
				t.Fatalf("Accept %q: %q %v, want %q", h, m, ok, heaviest.Media)
			}
		}
		for _, o := range offers {
			if m, ok := Negotiate(o.Media, offers); !ok || m != o.Media {
				t.Fatalf("Accept %q: %q %v", o.Media, m, ok)
			}
		}
		// Whatever the header, adding the chosen type itself first with
		// q=1 keeps a choice.
		if m, ok := Negotiate(heaviest.Media+", "+accept, offers); !ok || !slices.ContainsFunc(offers, func(o Offer) bool { return o.Media == m }) {
			t.Fatalf("Accept %q: %q %v", heaviest.Media+", "+accept, m, ok)
		}
	})
}
