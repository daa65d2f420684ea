package bench

import (
	"strings"
	"sync"
	"testing"
)

// TestNodesRoundRobin: concurrent callers spread over the nodes evenly.
func TestNodesRoundRobin(t *testing.T) {
	ns := newNodes([]string{"http://a", "http://b", "http://c"})
	var mu sync.Mutex
	count := make(map[string]int)
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			for range 100 {
				u := ns.next()
				mu.Lock()
				count[u]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(count) != 3 || count["http://a"] != 1000 || count["http://b"] != 1000 || count["http://c"] != 1000 {
		t.Errorf("spread %v, want 1000 each", count)
	}
	one := newNodes([]string{"http://only"})
	for range 3 {
		if u := one.next(); u != "http://only" {
			t.Errorf("a single node, and %s was chosen", u)
		}
	}
}

func TestParseURLs(t *testing.T) {
	got, err := ParseURLs([]string{"http://a:1,http://b:2/", " https://c "})
	if err != nil || strings.Join(got, " ") != "http://a:1 http://b:2 https://c" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, bad := range [][]string{{"a:1"}, {"ftp://x"}, {""}, {","}, {"http://a,://b"}} {
		if _, err := ParseURLs(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}
