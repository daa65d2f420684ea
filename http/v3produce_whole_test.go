package http_test

import (
	"encoding/base64"
	"fmt"
	"io"
	nethttp "net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
)

// postProduce sends a v3 produce body either with a Content-Length (the
// fast path) or chunked, its length unknown (the streaming path), and
// returns the answer with its transfer encoding.
func postProduce(t *testing.T, p *proxy, path, body string, chunked bool) (response, []string) {
	t.Helper()
	var rd io.Reader = strings.NewReader(body)
	if chunked {
		rd = io.MultiReader(rd) // no length the client can see
	}
	req, err := nethttp.NewRequest("POST", p.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if chunked {
		req.ContentLength = -1
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := p.httpClient().Do(req)
	if err != nil {
		t.Fatalf("chunked %v: %v", chunked, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := response{res.StatusCode, res.Header, b}
	return r.expect(t, 200, "application/json"), res.TransferEncoding
}

var offsetField = regexp.MustCompile(`"offset":(\d+)`)

// TestProduceWholeBodySameAnswerAsStream: a body sent with its length is
// answered by the fast path with the bytes the streaming path writes for
// the same records (but for the offsets, the next ones), in one write with
// a Content-Length: good records around bad ones (a bad base64 value, a
// partition the topic does not have, a value of the wrong type), and a
// body that ends in a framing error. Kafka holds every record answered 200
// at its offset, twice, and none of the bad ones.
func TestProduceWholeBodySameAnswerAsStream(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 2)
	cluster := v3Cluster(t, p)
	path := "/v3/clusters/" + cluster + "/topics/" + topic + "/records"
	const ts = `"timestamp":"2024-03-01T10:00:00.123Z"`
	good := func(i int) string {
		return fmt.Sprintf(`{"partition_id":%d,"key":{"type":"STRING","data":"k%d"},"value":{"type":"BINARY","data":"%s"},%s}`,
			i%2, i, "dmFsdWU=", ts)
	}
	bodies := []struct {
		name    string
		records []string
		stored  []string // what Kafka holds of each record, "" for none
	}{
		{"one record", []string{good(0)}, []string{"k0=value"}},
		{"bad records among good ones", []string{
			good(1),
			`{"partition_id":0,"value":{"type":"BINARY","data":"!!not base64!!"},` + ts + `}`,
			good(2),
			`{"partition_id":7,"value":{"type":"STRING","data":"nowhere"},` + ts + `}`,
			`{"value":{"type":"JSON","data":"x"},"headers":"not a list",` + ts + `}`,
			good(3),
			`{"headers":[{"name":"h","value":"YQ=="}],"value":{"type":"JSON","data":{"a":[1,2]}},"partition_id":1,` + ts + `}`,
		}, []string{"k1=value", "", "k2=value", "", "", "k3=value", `={"a":[1,2]}`}},
		{"framing error at the end", []string{good(4), good(5), `{"value":{"type":"JSON","data":1}]`}, []string{"k4=value", "k5=value", ""}},
		// An answer longer than the fast path holds goes out as it is
		// known, chunked too.
		{"a long answer", slices.Repeat([]string{`{"partition_id":1,"value":{"type":"STRING","data":"v"},` + ts + `}`}, 900),
			slices.Repeat([]string{"=v"}, 900)},
	}
	// Where each record answered 200 is, and what it is.
	want := map[string]string{}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			body := strings.Join(b.records, "\n")
			streamed, te := postProduce(t, p, path, body, true)
			if len(te) != 1 || te[0] != "chunked" || streamed.header.Get("Content-Length") != "" {
				t.Fatalf("the streaming answer's transfer encoding %v, Content-Length %q", te, streamed.header.Get("Content-Length"))
			}
			whole, te := postProduce(t, p, path, body, false)
			if len(whole.body) > 64<<10 {
				if len(te) != 1 || te[0] != "chunked" {
					t.Fatalf("a long answer's transfer encoding %v", te)
				}
			} else if len(te) != 0 || whole.header.Get("Content-Length") != strconv.Itoa(len(whole.body)) {
				t.Fatalf("the fast path's answer: transfer encoding %v, Content-Length %q for %d bytes", te, whole.header.Get("Content-Length"), len(whole.body))
			}
			sl, wl := strings.SplitAfter(string(streamed.body), "\r\n"), strings.SplitAfter(string(whole.body), "\r\n")
			if len(sl) != len(wl) || len(sl) != len(b.records)+1 {
				t.Fatalf("%d lines streamed, %d whole, for %d records:\n%s\n%s", len(sl)-1, len(wl)-1, len(b.records), streamed.body, whole.body)
			}
			for i := range b.records {
				ls := lines(t, []byte(sl[i]))[0]
				if ok := ls["error_code"].(json.Number) == "200"; ok != (b.stored[i] != "") {
					t.Fatalf("record %d: %s", i, sl[i])
				}
				if b.stored[i] == "" {
					if sl[i] != wl[i] {
						t.Fatalf("record %d answered\n%q streamed\n%q whole", i, sl[i], wl[i])
					}
					continue
				}
				so, wo := offsetField.FindStringSubmatch(sl[i]), offsetField.FindStringSubmatch(wl[i])
				if so == nil || wo == nil {
					t.Fatalf("record %d: no offset in %q or %q", i, sl[i], wl[i])
				}
				// The same records again: the same line, at the partition's
				// next offsets.
				n, _ := strconv.Atoi(so[1])
				m, _ := strconv.Atoi(wo[1])
				if strings.Replace(sl[i], so[0], "", 1) != strings.Replace(wl[i], wo[0], "", 1) || m <= n {
					t.Fatalf("record %d answered\n%q streamed\n%q whole", i, sl[i], wl[i])
				}
				part := ls["partition_id"].(json.Number).String()
				want[part+"@"+so[1]] = b.stored[i]
				want[part+"@"+wo[1]] = b.stored[i]
			}
		})
	}
	if t.Failed() {
		return
	}
	recs := readBack(t, bootstrap, topic, len(want))
	for _, r := range recs {
		at := fmt.Sprintf("%d@%d", r.Partition, r.Offset)
		if got := string(r.Key) + "=" + string(r.Value); got != want[at] {
			t.Fatalf("Kafka holds %q at %s, the answers said %q", got, at, want[at])
		}
		delete(want, at)
	}
	if len(want) > 0 {
		t.Fatalf("Kafka does not hold records answered 200: %v", want)
	}
}

// TestProduceWholeAnswersHaveALength: records:batch and v2 produce read
// the body whole and answer in one piece with a Content-Length, even an
// answer far longer than the server's own buffer; a bad entry among good
// ones fails alone, and Kafka holds the good ones.
func TestProduceWholeAnswersHaveALength(t *testing.T) {
	bootstrap := target(t)
	p := startProxy(t, bootstrap, nil)
	topic := produceTopic(t, p, 1)
	cluster := v3Cluster(t, p)
	const nb, bad, n = 10, 5, 60 // the batch's entries (at most 10) and v2's records
	var entries []string
	long := strings.Repeat("x", 70)
	for i := range nb {
		v := fmt.Sprintf(`{"type":"STRING","data":"b%d"}`, i)
		if i == bad {
			v = `{"type":"BINARY","data":"%%%"}`
		}
		entries = append(entries, fmt.Sprintf(`{"id":"%s%d","value":%s}`, long, i, v))
	}
	r := p.do(t, "POST", "/v3/clusters/"+cluster+"/topics/"+topic+"/records:batch", `{"entries":[`+strings.Join(entries, ",")+`]}`,
		"Content-Type: application/json").expect(t, 207, "application/json")
	if r.header.Get("Content-Length") != strconv.Itoa(len(r.body)) || len(r.body) < 2048 {
		t.Fatalf("a %d-byte batch answer with Content-Length %q", len(r.body), r.header.Get("Content-Length"))
	}
	var batch struct {
		Successes []struct {
			ID     string `json:"id"`
			Offset int64  `json:"offset"`
		} `json:"successes"`
		Failures []struct {
			ID        string `json:"id"`
			ErrorCode int    `json:"error_code"`
		} `json:"failures"`
	}
	if err := json.Unmarshal(r.body, &batch); err != nil {
		t.Fatal(err)
	}
	if len(batch.Successes) != nb-1 || len(batch.Failures) != 1 || batch.Failures[0].ID != long+strconv.Itoa(bad) || batch.Failures[0].ErrorCode != 400 {
		t.Fatalf("batch answer %s", r.body)
	}

	var recs []string
	for i := range n {
		recs = append(recs, fmt.Sprintf(`{"value":"djJfJWQ=","partition":0,"key":"%s"}`, base64.StdEncoding.EncodeToString([]byte(fmt.Sprint("k", i)))))
	}
	r = p.do(t, "POST", "/topics/"+topic, `{"records":[`+strings.Join(recs, ",")+`]}`, "Content-Type: "+v2Binary).expect(t, 200, v2CT)
	if r.header.Get("Content-Length") != strconv.Itoa(len(r.body)) || len(r.body) < 2048 {
		t.Fatalf("a %d-byte v2 answer with Content-Length %q", len(r.body), r.header.Get("Content-Length"))
	}
	var v2 struct {
		Offsets []struct {
			Offset *int64 `json:"offset"`
		} `json:"offsets"`
	}
	if err := json.Unmarshal(r.body, &v2); err != nil || len(v2.Offsets) != n {
		t.Fatalf("v2 answer %s: %v", r.body, err)
	}
	got := readBack(t, bootstrap, topic, nb-1+n)
	for i, rec := range got {
		want := fmt.Sprintf("b%d", i)
		if i >= bad {
			want = fmt.Sprintf("b%d", i+1)
		}
		if j := i - (nb - 1); j >= 0 {
			want = "v2_%d"
			if k := fmt.Sprint("k", j); string(rec.Key) != k || *v2.Offsets[j].Offset != rec.Offset {
				t.Fatalf("record %d: key %q at %d, want %q at %d", i, rec.Key, rec.Offset, k, *v2.Offsets[j].Offset)
			}
		} else if batch.Successes[i].Offset != rec.Offset {
			t.Fatalf("record %d at %d, the batch said %d", i, rec.Offset, batch.Successes[i].Offset)
		}
		if string(rec.Value) != want {
			t.Fatalf("record %d is %q, want %q", i, rec.Value, want)
		}
	}
}
