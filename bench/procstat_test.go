package bench

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func TestReadProcess(t *testing.T) {
	before, err := ReadProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Burn some CPU and touch memory, then read again.
	ballast := make([]byte, 64<<20)
	for i := range ballast {
		ballast[i] = byte(i)
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	after, err := ReadProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after.CPU <= before.CPU {
		t.Errorf("CPU time did not grow: %v then %v", before.CPU, after.CPU)
	}
	if after.RSS < 64<<20 || after.PeakRSS < after.RSS {
		t.Errorf("RSS %d, peak %d after touching 64 MiB", after.RSS, after.PeakRSS)
	}
	if ballast[len(ballast)-1] != byte(len(ballast)-1) || x == 0 {
		t.Fatal("unreachable: keeps the work from being optimised away")
	}
	if _, err := ReadProcess(1 << 30); err == nil {
		t.Error("a process that does not exist was read")
	}
}

// TestReadMachineCPU: the machine's busy time grows by at least what this
// process burns, and by no more than its cores allow in the wall time.
func TestReadMachineCPU(t *testing.T) {
	start := time.Now()
	before := markCPU()
	x := 0
	for time.Since(start) < 300*time.Millisecond {
		x++
	}
	after := markCPU()
	if !before.ok || !after.ok {
		_, err1 := ReadMachineCPU()
		_, err2 := ReadProcess(os.Getpid())
		t.Fatal(err1, err2)
	}
	busy, burnt, wall := after.machine-before.machine, after.harness-before.harness, time.Since(start)
	// The clock ticks in hundredths of a second on both sides.
	if busy+20*time.Millisecond < burnt || busy > time.Duration(runtime.NumCPU())*wall+20*time.Millisecond || x == 0 {
		t.Errorf("the machine was busy %v while this process burnt %v in %v on %d cores", busy, burnt, wall, runtime.NumCPU())
	}
}
