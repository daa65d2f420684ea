package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ProcessStats are the resources a process has used so far.
type ProcessStats struct {
	// CPU is user plus system time.
	CPU time.Duration
	// RSS is the resident set size now, PeakRSS its high-water mark.
	RSS, PeakRSS int64
}

// userHZ is the unit of the times in /proc/<pid>/stat: USER_HZ, which the
// Linux ABI fixes at 100 on every architecture.
const userHZ = 100

// ReadProcess reads the CPU time and memory of process pid from /proc
// (Linux only).
func ReadProcess(pid int) (ProcessStats, error) {
	var st ProcessStats
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return st, fmt.Errorf("reading the stats of process %d (Linux only): %w", pid, err)
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// the fields that matter come after the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return st, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, stat)
	}
	fields := strings.Fields(string(stat[i+1:]))
	// After ')': state is field 3, so utime (14) and stime (15) are at
	// indices 11 and 12.
	if len(fields) < 13 {
		return st, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, stat)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return st, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, stat)
	}
	st.CPU = time.Duration(utime+stime) * time.Second / userHZ

	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return st, fmt.Errorf("reading the memory of process %d: %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *int64
		switch name {
		case "VmRSS":
			dst = &st.RSS
		case "VmHWM":
			dst = &st.PeakRSS
		default:
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return st, fmt.Errorf("unexpected %s in /proc/%d/status: %q", name, pid, rest)
		}
		*dst = kb << 10
	}
	return st, sc.Err()
}

// ReadMachineCPU reads the CPU time every core of the machine has spent
// busy so far, whoever it was for: user, system, interrupts and time
// stolen by the hypervisor; idle and I/O wait are not busy (Linux only).
func ReadMachineCPU() (time.Duration, error) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, fmt.Errorf("reading the machine's CPU time (Linux only): %w", err)
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	fields := strings.Fields(line)
	// cpu user nice system idle iowait irq softirq steal ...
	if err != nil || len(fields) < 9 || fields[0] != "cpu" {
		return 0, fmt.Errorf("unexpected /proc/stat: %q", line)
	}
	var busy int64
	for i, v := range fields[1:9] {
		if i == 3 || i == 4 {
			continue // idle, iowait
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc/stat: %q", line)
		}
		busy += n
	}
	return time.Duration(busy) * time.Second / userHZ, nil
}
