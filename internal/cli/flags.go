package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/leakhound/leakhound/internal/config"
)

var errHelp = errors.New("help shown")

// flagSet wraps flag.FlagSet so flags and arguments may be interleaved
// (`leakhound scan . --format json`) and help goes to stdout.
type flagSet struct {
	*flag.FlagSet
	usage string
}

func newFlagSet(name, usage string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, usage: usage}
}

// parse returns the positional arguments. "--" ends flag parsing.
func (fs *flagSet) parse(e *env, args []string) ([]string, error) {
	var positional []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.printHelp(e)
			return nil, errHelp
		}
		if err != nil {
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func (fs *flagSet) printHelp(e *env) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n\nFlags:\n", fs.usage)
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprint(e.io.Out, b.String())
}

// byteSize is a flag value such as 50MiB, 10MB, 4096.
type byteSize int64

func (b *byteSize) String() string { return formatSize(int64(*b)) }

// formatSize writes n in the largest binary unit that divides it.
func formatSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return fmt.Sprint(n)
}

func (b *byteSize) Set(s string) error {
	n, err := config.ParseSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}
