// Command timeit runs a command RUNS times and prints the median wall time
// in milliseconds (with one decimal), without the cost of a shell's clock
// commands around each run. The command's output is discarded and its exit
// status ignored. -dir runs it in another directory; -rss also prints the
// median of the runs' peak RSS, in KiB.
//
//	timeit -runs 11 -- git diff --cached --quiet
//	timeit -runs 3 -rss -dir CLONE -- leakhound history --quiet
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 11, "runs; the median is printed")
	dir := flag.String("dir", "", "run the command in `directory`")
	rss := flag.Bool("rss", false, "also print the median of the runs' peak RSS in KiB")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: timeit [-runs N] -- COMMAND [ARGS...]")
		os.Exit(2)
	}
	times := make([]time.Duration, 0, *runs)
	var peaks []int64
	for range *runs {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = *dir
		start := time.Now()
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "timeit:", err)
			os.Exit(2)
		}
		_ = cmd.Wait()
		times = append(times, time.Since(start))
		if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peaks = append(peaks, int64(u.Maxrss)) // KiB on Linux
		}
	}
	slices.Sort(times)
	ms := float64(times[len(times)/2]) / float64(time.Millisecond)
	if *rss && len(peaks) > 0 {
		slices.Sort(peaks)
		fmt.Printf("%.1f %d\n", ms, peaks[len(peaks)/2])
		return
	}
	fmt.Printf("%.1f\n", ms)
}
