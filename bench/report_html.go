package bench

import (
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// WriteHTML writes the results as one self-contained HTML page people can
// look at: throughput over time of every mode, proxy beside native, each
// mode's records/s with its fraction of native, its ack latency
// percentiles, and the table. The charts are inline SVG drawn here: no
// script, nothing fetched, so that the page opens offline and in a CI
// artifact viewer alike.
func WriteHTML(w io.Writer, cfg Config, results []Result, at time.Time) error {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kafka-rest-bench</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;background:#fff;max-width:1000px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 6px}p.sub{color:#555;margin:0 0 12px}
table{border-collapse:collapse;margin-top:8px}th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}th,td:first-child{white-space:nowrap}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
</style></head><body>
`)
	fmt.Fprintf(&b, "<h1>kafka-rest-bench</h1>\n<p class=\"sub\">%s</p>\n", html.EscapeString(runSummary(cfg, at)))
	produce, consume := splitModes(results)
	if len(produce) > 0 {
		b.WriteString("<h2>Produce throughput over time</h2>\n")
		b.WriteString(timelineChart(produce))
	}
	if len(consume) > 0 {
		b.WriteString("<h2>Consume throughput over time</h2>\n")
		b.WriteString(timelineChart(consume))
	}
	b.WriteString("<h2>Throughput and fraction of native</h2>\n")
	b.WriteString(throughputChart(results))
	b.WriteString("<h2>Ack latency percentiles (log scale)</h2>\n")
	b.WriteString(latencyChart(results))
	b.WriteString("<h2>Results</h2>\n")
	b.WriteString(resultsTable(results))
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func runSummary(cfg Config, at time.Time) string {
	return at.UTC().Format("2006-01-02 15:04 MST") + ": " + summary(cfg)
}

// splitModes separates produce modes from read modes: their rates
// differ by an order of magnitude, so they get charts of their own.
func splitModes(results []Result) (produce, consume []Result) {
	for _, r := range results {
		if isRead(r.Mode) {
			consume = append(consume, r)
		} else {
			produce = append(produce, r)
		}
	}
	return produce, consume
}

// modeColor gives each proxy mode its colour; the native ceilings are dark
// grey (and dashed where they are lines).
func modeColor(mode string) string {
	switch mode {
	case ModeV3Stream:
		return "#1f77b4"
	case ModeV3Batch:
		return "#ff7f0e"
	case ModeV3Avro:
		return "#d62728"
	case ModeV2:
		return "#2ca02c"
	case ModeV3Single:
		return "#17becf"
	case ModeV3SingleH2:
		return "#8c564b"
	case ModeV2Read:
		return "#9467bd"
	case ModeV2ReadLowLatency:
		return "#e377c2"
	case ModeV2E2E:
		return "#bcbd22"
	}
	return "#444444"
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH                 = 900, 300
	padL, padR, padT, padB         = 80, 150, 16, 44
	plotW, plotH                   = chartW - padL - padR, chartH - padT - padB
	legendX                        = chartW - padR + 16
	svgOpen                        = `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img">` + "\n"
	axisStyle                      = `stroke="#888" stroke-width="1"`
	gridStyle                      = `stroke="#e5e5e5" stroke-width="1"`
	tickFont                       = `font-size="12" fill="#555"`
	barGap, groupGap       float64 = 4, 18
)

// timelineChart draws records/s against seconds, one line per mode.
func timelineChart(results []Result) string {
	var maxT, maxY float64
	for _, r := range results {
		for _, p := range r.Timeline {
			maxT, maxY = math.Max(maxT, p.Seconds), math.Max(maxY, p.RecordsPerSec)
		}
	}
	if maxT == 0 || maxY == 0 {
		return "<p>No timeline recorded.</p>\n"
	}
	yTicks := niceTicks(maxY)
	maxY = yTicks[len(yTicks)-1]
	tTicks := niceTicks(maxT)
	maxT = tTicks[len(tTicks)-1]
	x := func(t float64) float64 { return padL + t/maxT*plotW }
	y := func(v float64) float64 { return padT + plotH - v/maxY*plotH }
	var b strings.Builder
	fmt.Fprintf(&b, svgOpen, chartW, chartH, chartW, chartH)
	for _, v := range yTicks {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" %s/><text x="%d" y="%.1f" text-anchor="end" %s>%s</text>`+"\n",
			padL, padL+plotW, y(v), y(v), gridStyle, padL-6, y(v)+4, tickFont, human(v))
	}
	for _, t := range tTicks {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" %s/><text x="%.1f" y="%d" text-anchor="middle" %s>%s</text>`+"\n",
			x(t), x(t), padT+plotH, padT+plotH+5, axisStyle, x(t), padT+plotH+19, tickFont, human(t))
	}
	axes(&b, "records/s", "seconds since the mode started (records/s over the trailing second)")
	for i, r := range results {
		if len(r.Timeline) == 0 {
			continue
		}
		pts := make([]string, 0, len(r.Timeline)+1)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(0), y(0)))
		for _, p := range r.Timeline {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.Seconds), y(p.RecordsPerSec)))
		}
		dash := ""
		if isNative(r.Mode) {
			dash = ` stroke-dasharray="6 4"`
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`+"\n", modeColor(r.Mode), dash, strings.Join(pts, " "))
		legend(&b, i, r.Label(), modeColor(r.Mode), isNative(r.Mode))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// throughputChart draws each mode's records/s as a horizontal bar, with
// its fraction of the native ceiling of its kind.
func throughputChart(results []Result) string {
	var maxV float64
	for _, r := range results {
		maxV = math.Max(maxV, r.RecordsPerSec)
	}
	if maxV == 0 {
		return "<p>No records.</p>\n"
	}
	ticks := niceTicks(maxV)
	maxV = ticks[len(ticks)-1]
	const rowH = 30
	h := padT + len(results)*rowH + padB
	x := func(v float64) float64 { return padL + 40 + v/maxV*(plotW-40) }
	var b strings.Builder
	fmt.Fprintf(&b, svgOpen, chartW, h, chartW, h)
	bottom := padT + len(results)*rowH
	for _, v := range ticks {
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" %s/><text x="%.1f" y="%d" text-anchor="middle" %s>%s</text>`+"\n",
			x(v), x(v), padT, bottom, gridStyle, x(v), bottom+18, tickFont, human(v))
	}
	for i, r := range results {
		top := float64(padT + i*rowH + 5)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" font-size="13" fill="#222">%s</text>`+"\n", padL+34, top+15, html.EscapeString(r.Label()))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="20" fill="%s"/>`+"\n", x(0), top, x(r.RecordsPerSec)-x(0), modeColor(r.Mode))
		label := human(r.RecordsPerSec) + " rec/s"
		if base := baselineResult(results, r); base != nil && r.TargetRate == 0 && base.RecordsPerSec > 0 {
			label += fmt.Sprintf(" · %.2f of %s", r.RecordsPerSec/base.RecordsPerSec, base.Mode)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" fill="#222">%s</text>`+"\n", x(r.RecordsPerSec)+6, top+15, html.EscapeString(label))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" %s>records/s (median round)</text>`+"\n", x(maxV/2), h-6, tickFont)
	b.WriteString("</svg>\n")
	return b.String()
}

// latencyChart draws p50, p99 and p999 of each mode as grouped bars on a
// logarithmic axis: latencies of the modes span three orders of magnitude.
func latencyChart(results []Result) string {
	lo, hi := math.Inf(1), 0.0
	for _, r := range results {
		for _, v := range []float64{r.LatencyP50Ms, r.LatencyP99Ms, r.LatencyP999Ms} {
			if v > 0 {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if hi == 0 {
		return "<p>No latencies.</p>\n"
	}
	minExp, maxExp := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if maxExp == minExp {
		maxExp++
	}
	y := func(v float64) float64 {
		v = math.Max(v, math.Pow(10, minExp))
		return padT + plotH - (math.Log10(v)-minExp)/(maxExp-minExp)*plotH
	}
	var b strings.Builder
	fmt.Fprintf(&b, svgOpen, chartW, chartH, chartW, chartH)
	for e := minExp; e <= maxExp; e++ {
		v := math.Pow(10, e)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" %s/><text x="%d" y="%.1f" text-anchor="end" %s>%s</text>`+"\n",
			padL, padL+plotW, y(v), y(v), gridStyle, padL-6, y(v)+4, tickFont, human(v))
	}
	axes(&b, "ms", "")
	groupW := (plotW - groupGap*float64(len(results)+1)) / float64(len(results))
	barW := (groupW - 2*barGap) / 3
	opacity := []string{"1", "0.65", "0.35"}
	for i, r := range results {
		gx := padL + groupGap + float64(i)*(groupW+groupGap)
		for j, v := range []float64{r.LatencyP50Ms, r.LatencyP99Ms, r.LatencyP999Ms} {
			bx := gx + float64(j)*(barW+barGap)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="%s"><title>%s p%s: %.2f ms</title></rect>`+"\n",
				bx, y(v), barW, padT+plotH-y(v), modeColor(r.Mode), opacity[j], html.EscapeString(r.Label()), []string{"50", "99", "999"}[j], v)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10" fill="#333">%s</text>`+"\n", bx+barW/2, y(v)-3, human(v))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="13" fill="#222">%s</text>`+"\n", gx+groupW/2, padT+plotH+18, html.EscapeString(r.Label()))
	}
	for j, p := range []string{"p50", "p99", "p999"} {
		ly := padT + 10 + j*22
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="14" height="14" fill="#444" fill-opacity="%s"/><text x="%d" y="%d" font-size="13" fill="#222">%s</text>`+"\n",
			legendX, ly, opacity[j], legendX+20, ly+12, p)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// axes draws the plot's left and bottom axes and their titles.
func axes(b *strings.Builder, yTitle, xTitle string) {
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" %s/><line x1="%d" x2="%d" y1="%d" y2="%d" %s/>`+"\n",
		padL, padL, padT, padT+plotH, axisStyle, padL, padL+plotW, padT+plotH, padT+plotH, axisStyle)
	fmt.Fprintf(b, `<text transform="translate(16 %d) rotate(-90)" text-anchor="middle" %s>%s</text>`+"\n", padT+plotH/2, tickFont, yTitle)
	if xTitle != "" {
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle" %s>%s</text>`+"\n", padL+plotW/2, chartH-4, tickFont, xTitle)
	}
}

// legend draws the i-th entry of a line chart's legend.
func legend(b *strings.Builder, i int, label, color string, dashed bool) {
	dash := ""
	if dashed {
		dash = ` stroke-dasharray="6 4"`
	}
	ly := padT + 10 + i*22
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="3"%s/><text x="%d" y="%d" font-size="13" fill="#222">%s</text>`+"\n",
		legendX, legendX+24, ly, ly, color, dash, legendX+30, ly+4, html.EscapeString(label))
}

// resultsTable is WriteTable's table in HTML, and its comparisons.
func resultsTable(results []Result) string {
	var b strings.Builder
	b.WriteString("<table><tr><th>mode</th><th>records</th><th>records/s</th><th>MB/s</th><th>p50 ms</th><th>p99 ms</th><th>p999 ms</th><th>errors</th><th>proxy CPU s</th><th>proxy CPU µs/rec</th><th>proxy peak RSS MiB</th><th>harness CPU µs/rec</th><th>machine CPU µs/rec</th></tr>\n")
	for _, r := range results {
		cpu, perRec, rss := proxyColumns(r)
		harness, machine := cpuColumns(r)
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%d</td><td>%.0f</td><td>%.1f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			html.EscapeString(r.Label()), r.Records, r.RecordsPerSec, r.MBPerSec, r.LatencyP50Ms, r.LatencyP99Ms, r.LatencyP999Ms,
			html.EscapeString(errorsByCode(r.Errors)), cpu, perRec, rss, harness, machine)
	}
	b.WriteString("</table>\n")
	if lines := comparisons(results); len(lines) > 0 {
		b.WriteString("<ul>\n")
		for _, l := range lines {
			fmt.Fprintf(&b, "<li>%s</li>\n", html.EscapeString(l))
		}
		b.WriteString("</ul>\n")
	}
	return b.String()
}

// niceTicks returns 0 and round steps (1, 2 or 5 times a power of ten) up
// to the first at or above maxV.
func niceTicks(maxV float64) []float64 {
	raw := maxV / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	ticks := []float64{0}
	for v := step; ; v += step {
		ticks = append(ticks, v)
		if v >= maxV*(1-1e-9) {
			return ticks
		}
	}
}

// human writes a number short: 1.5k, 240k, 1.2M, 0.5, 12.
func human(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return trimZero(fmt.Sprintf("%.1f", v/1e6)) + "M"
	case a >= 1e3:
		return trimZero(fmt.Sprintf("%.1f", v/1e3)) + "k"
	case a >= 10 || a == 0:
		return fmt.Sprintf("%.0f", v)
	case a >= 1:
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
