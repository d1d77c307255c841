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
	usage  string
	hidden map[string]bool
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
			// the flag package writes flags with one dash; users type two
			msg := strings.Replace(err.Error(), "flag provided but not defined: -", "unknown flag --", 1)
			msg = strings.Replace(msg, " for flag -", " for flag --", 1)
			msg = strings.Replace(msg, "flag needs an argument: -", "flag needs an argument: --", 1)
			return nil, commandUsagef(fs.Name(), "%s", msg)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, fs.checkHidden()
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), fs.checkHidden()
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// printHelp prints the usage and every flag the command takes, written as
// users type them (--flag), with its default when it has one.
func (fs *flagSet) printHelp(e *env) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n\nFlags:\n", fs.usage)
	fs.VisitAll(func(f *flag.Flag) {
		if fs.hidden[f.Name] {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(&b, "  --%s", f.Name)
		if name != "" {
			fmt.Fprintf(&b, " %s", name)
		}
		fmt.Fprintf(&b, "\n      %s", strings.ReplaceAll(usage, "\n", "\n      "))
		if def := f.DefValue; def != "" && def != "false" && def != "0" {
			fmt.Fprintf(&b, " (default %s)", def)
		}
		b.WriteString("\n")
	})
	fmt.Fprint(e.io.Out, b.String())
}

// hide keeps flags out of the help and refuses them when given: flags a
// command registers with the common set but does not use.
func (fs *flagSet) hide(names ...string) {
	if fs.hidden == nil {
		fs.hidden = map[string]bool{}
	}
	for _, n := range names {
		fs.hidden[n] = true
	}
}

// checkHidden returns a usage error for a hidden flag given on the command line.
func (fs *flagSet) checkHidden() error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if fs.hidden[f.Name] && err == nil {
			err = commandUsagef(fs.Name(), "does not take --%s", f.Name)
		}
	})
	return err
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
