package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
)

// startCPUProfile starts a CPU profile when a command's arguments hold
// --cpuprofile FILE (the scanning commands register the flag, so it is
// parsed and checked like any other). It starts before the command parses
// its flags, so the profile covers start-up: loading the config and
// compiling the rules, which is most of what a pre-commit hook costs.
func startCPUProfile(args []string) (stop func(), err error) {
	path := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "cpuprofile" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
		}
		path = value
	}
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
