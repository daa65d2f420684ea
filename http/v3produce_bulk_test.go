package http_test

import (
	"bufio"
	"fmt"
	"io"
	nethttp "net/http"
	"strings"
	"sync"
	"testing"

	json "github.com/goccy/go-json"
)

// streamRecords streams n records whose values are prefix-<i> over one
// connection and returns, for each i, the partition and offset answered.
func streamRecords(t *testing.T, p *proxy, topic, prefix string, n int) [][2]int64 {
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 64<<10)
		for i := range n {
			fmt.Fprintf(w, `{"key":{"type":"STRING","data":"%s-%d"},"value":{"type":"STRING","data":"%s-%d"}}`, prefix, i%64, prefix, i)
		}
		w.Flush()
		pw.Close()
	}()
	req, _ := nethttp.NewRequest("POST", p.url+"/v3/clusters/"+v3Cluster(t, p)+"/topics/"+topic+"/records", pr)
	req.Header.Set("Content-Type", "application/json")
	res, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return nil
	}
	defer res.Body.Close()
	var out [][2]int64
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		var a struct {
			ErrorCode int    `json:"error_code"`
			Message   string `json:"message"`
			Partition int64  `json:"partition_id"`
			Offset    int64  `json:"offset"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil || a.ErrorCode != 200 {
			t.Errorf("answer %d: %s", len(out), sc.Text())
			return nil
		}
		out = append(out, [2]int64{a.Partition, a.Offset})
	}
	if len(out) != n {
		t.Errorf("%d answers for %d records", len(out), n)
	}
	return out
}

// TestProduceStreamBulk streams bulkRecords records over one connection,
// then over 16 at once, and checks against a native consumer that every
// record landed exactly once, in order per partition, at the partition and
// offset its answer gave.
func TestProduceStreamBulk(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	for _, conns := range []int{1, 16} {
		t.Run(fmt.Sprintf("%d connections", conns), func(t *testing.T) {
			topic := produceTopic(t, p, 4)
			per := bulkRecords / conns
			answers := make([][][2]int64, conns)
			var wg sync.WaitGroup
			for c := range conns {
				wg.Add(1)
				go func() {
					defer wg.Done()
					answers[c] = streamRecords(t, p, topic, fmt.Sprintf("c%d", c), per)
				}()
			}
			wg.Wait()
			if t.Failed() {
				return
			}
			where := map[[2]int64]string{} // partition/offset -> value
			for c, as := range answers {
				for i, a := range as {
					if prev, dup := where[a]; dup {
						t.Fatalf("two records answered %v: %s and c%d-%d", a, prev, c, i)
					}
					where[a] = fmt.Sprintf("c%d-%d", c, i)
				}
			}
			recs := readBack(t, bootstrap, topic, per*conns)
			last := map[string]int{} // per connection and partition: the last index read
			for _, rec := range recs {
				v := string(rec.Value)
				if want := where[[2]int64{int64(rec.Partition), rec.Offset}]; want != v {
					t.Fatalf("Kafka has %q at %d/%d; the answer put %q there", v, rec.Partition, rec.Offset, want)
				}
				conn, idx, _ := strings.Cut(v, "-")
				var i int
				fmt.Sscan(idx, &i)
				k := fmt.Sprintf("%s/%d", conn, rec.Partition)
				if prev, ok := last[k]; ok && i <= prev {
					t.Fatalf("%s: record %d after %d in partition %d", conn, i, prev, rec.Partition)
				}
				last[k] = i
			}
		})
	}
}
