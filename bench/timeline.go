package bench

import (
	"fmt"
	"io"
	"time"
)

// Point is a mode's throughput over one interval of its run.
type Point struct {
	// Seconds is the end of the interval, from the mode's start.
	Seconds       float64 `json:"t"`
	RecordsPerSec float64 `json:"records_per_sec"`
}

// sampleEvery is the interval of the throughput timeline, and window the
// span each point's rate is taken over: short enough to show a few-second
// run's shape, long enough that modes answering in bursts (a v2 read
// waits for its timeout) do not draw spikes.
const (
	sampleEvery = 250 * time.Millisecond
	window      = time.Second
)

// sample records a mode's throughput every sampleEvery and prints a
// progress line to out (when not nil) every second, until the returned
// func is called; it returns the timeline.
func sample(out io.Writer, mode string, st *stats) (stop func() []Point) {
	done := make(chan struct{})
	var timeline []Point
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		start := time.Now()
		// The counts of the last window, oldest first.
		hist := []tally{{start, 0}}
		add := func(at time.Time) {
			c := tally{at, st.count()}
			from := hist[max(0, len(hist)-int(window/sampleEvery))]
			timeline = append(timeline, Point{Seconds: at.Sub(start).Seconds(), RecordsPerSec: float64(c.n-from.n) / at.Sub(from.at).Seconds()})
			if hist = append(hist, c); len(hist) > int(window/sampleEvery) {
				hist = hist[1:]
			}
		}
		var lastLine snapshot
		for n := 1; ; n++ {
			select {
			case <-done:
				// The last, partial interval counts when it is not a sliver.
				if at := time.Now(); at.Sub(hist[len(hist)-1].at) >= sampleEvery/4 {
					add(at)
				}
				return
			case at := <-t.C:
				add(at)
				if out != nil && n%int(time.Second/sampleEvery) == 0 {
					s := st.snapshot()
					fmt.Fprintf(out, "%-10s %9.0f rec/s %8.1f MB/s  errors %d  p99 %v\n", mode,
						float64(s.records-lastLine.records), float64(s.bytes-lastLine.bytes)/1e6, s.errors, s.p99.Round(10*time.Microsecond))
					lastLine = s
				}
			}
		}
	}()
	return func() []Point {
		close(done)
		<-stopped
		return timeline
	}
}

// tally is the records acknowledged at a time.
type tally struct {
	at time.Time
	n  int64
}

// count is the records acknowledged so far.
func (s *stats) count() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.records
}
