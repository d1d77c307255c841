// Command timeit runs a command RUNS times and prints the median wall time
// in milliseconds (with one decimal), without the cost of a shell's clock
// commands around each run. The command's output is discarded and its exit
// status ignored.
//
//	timeit -runs 11 -- git diff --cached --quiet
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"time"
)

func main() {
	runs := flag.Int("runs", 11, "runs; the median is printed")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: timeit [-runs N] -- COMMAND [ARGS...]")
		os.Exit(2)
	}
	times := make([]time.Duration, 0, *runs)
	for range *runs {
		cmd := exec.Command(args[0], args[1:]...)
		start := time.Now()
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "timeit:", err)
			os.Exit(2)
		}
		_ = cmd.Wait()
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	fmt.Printf("%.1f\n", float64(times[len(times)/2])/float64(time.Millisecond))
}
