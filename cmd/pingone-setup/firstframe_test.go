package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkFirstFrame measures how long `pingone-setup --demo` takes to draw its first frame in a
// real terminal (tmux), against a bare Bubble Tea program built the same way and measured the same
// way in the same run, and reports the ratio (target: at most 1.5). Each figure is the median of
// seven launches.
func BenchmarkFirstFrame(b *testing.B) {
	if _, err := exec.LookPath("tmux"); err != nil {
		b.Skip("tmux not installed")
	}
	dir := buildBinary(b)
	bare := filepath.Join(dir, "bin", "bare")
	if out, err := exec.Command("go", "build", "-o", bare, "./testdata/bare").CombinedOutput(); err != nil {
		b.Fatalf("build the bare program: %v\n%s", err, out)
	}
	demo := filepath.Join(dir, "bin", "pingone-setup") + " --demo"
	// A session that outlives the measured ones keeps the tmux server up between launches.
	keeper := startTmux(b, dir, "sleep 600")
	_ = keeper
	for range b.N {
		tb := medianFirstFrame(b, bare, "bare first frame")
		td := medianFirstFrame(b, demo, "pingone-setup")
		b.ReportMetric(float64(tb.Microseconds())/1000, "bare-ms")
		b.ReportMetric(float64(td.Microseconds())/1000, "demo-ms")
		b.ReportMetric(float64(td)/float64(tb), "x-bare")
	}
}

func medianFirstFrame(b *testing.B, command, marker string) time.Duration {
	var ds []time.Duration
	for i := range 7 {
		name := fmt.Sprintf("first-frame-%d-%d", time.Now().UnixNano(), i)
		start := time.Now()
		if out, err := exec.Command("tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "32", command).CombinedOutput(); err != nil {
			b.Fatalf("tmux: %v %s", err, out)
		}
		for {
			out, _ := exec.Command("tmux", "capture-pane", "-p", "-t", name).Output()
			if strings.Contains(string(out), marker) {
				break
			}
			if time.Since(start) > 20*time.Second {
				b.Fatalf("no first frame with %q after 20 s", marker)
			}
		}
		ds = append(ds, time.Since(start))
		_ = exec.Command("tmux", "kill-session", "-t", name).Run()
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}
