package bench

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

func sampleResults() []Result {
	cpu, rss := 12.5, 201.0
	timeline := func(rate float64) []Point {
		var ps []Point
		for i := 1; i <= 12; i++ {
			ps = append(ps, Point{Seconds: float64(i) * 0.25, RecordsPerSec: rate * (0.9 + 0.02*float64(i%5))})
		}
		return ps
	}
	return []Result{
		{Mode: ModeV3Stream, Records: 400_000, RecordsPerSec: 136_975, MBPerSec: 140.3, LatencyP50Ms: 384.5, LatencyP99Ms: 601.8, LatencyP999Ms: 670.3,
			Errors: map[string]int64{}, ProxyCPUSeconds: &cpu, ProxyPeakRSSMiB: &rss, Timeline: timeline(136_975)},
		{Mode: ModeV3Batch, Records: 60_000, RecordsPerSec: 20_332, LatencyP50Ms: 3.6, LatencyP99Ms: 9.3, LatencyP999Ms: 12.2,
			Errors: map[string]int64{"429": 3}, ProxyCPUSeconds: &cpu, ProxyPeakRSSMiB: &rss, Timeline: timeline(20_332)},
		{Mode: ModeNative, Records: 600_000, RecordsPerSec: 204_973, LatencyP50Ms: 164.7, LatencyP99Ms: 313, LatencyP999Ms: 363.4, Timeline: timeline(204_973)},
		{Mode: ModeV2Read, Records: 300_000, RecordsPerSec: 103_153, LatencyP50Ms: 1601.1, LatencyP99Ms: 2793.2, LatencyP999Ms: 2793.2, Timeline: timeline(103_153)},
		{Mode: ModeNativeRead, Records: 900_000, RecordsPerSec: 475_306, LatencyP50Ms: 6.8, LatencyP99Ms: 20.6, LatencyP999Ms: 951.3, Timeline: timeline(475_306)},
	}
}

// TestHTMLReport: the page is self-contained (no script, nothing to fetch),
// every chart is well-formed SVG, and it shows every mode, its fraction of
// native and its timeline.
func TestHTMLReport(t *testing.T) {
	var b strings.Builder
	cfg := Config{RecordSize: 1024, Connections: 8, BatchSize: 10, Topic: `bench<&>`, Rounds: 3}
	if err := WriteHTML(&b, cfg, sampleResults(), time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, banned := range []string{"<script", "src=", "href=", "@import", "url("} {
		if strings.Contains(page, banned) {
			t.Errorf("the page has %q: it must open offline", banned)
		}
	}
	svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1)
	if len(svgs) != 4 {
		t.Fatalf("%d charts, want 4 (produce and consume timelines, throughput, latency)", len(svgs))
	}
	polylines := 0
	for i, svg := range svgs {
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("chart %d is not well-formed: %v", i, err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
				polylines++
				for _, a := range se.Attr {
					if a.Name.Local == "points" && len(strings.Fields(a.Value)) != 13 {
						t.Errorf("a timeline of %d points, want 13 (the origin and 12 samples)", len(strings.Fields(a.Value)))
					}
				}
			}
		}
	}
	if polylines != 5 {
		t.Errorf("%d timelines, want 5", polylines)
	}
	for _, want := range []string{
		"bench&lt;&amp;&gt;", "median of 3 round(s)", "2026-11-23 22:00 UTC",
		"137k rec/s · 0.67 of native", "20.3k rec/s · 0.10 of native", "103.2k rec/s · 0.22 of native", "205k rec/s<",
		"<td>429:3</td>", "v2-consume p999: 2793.20 ms", ">2.8k<",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %q", want)
		}
	}
}

func TestNiceTicksAndHuman(t *testing.T) {
	for maxV, want := range map[float64]string{
		204_973: "0 50k 100k 150k 200k 250k",
		3.2:     "0 1 2 3 4",
		0.7:     "0 0.2 0.4 0.6 0.8",
		10:      "0 2 4 6 8 10",
	} {
		var got []string
		for _, v := range niceTicks(maxV) {
			got = append(got, human(v))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("ticks to %v: %v, want %s", maxV, got, want)
		}
	}
}
