// Package iostreams owns the process's standard streams, terminal detection
// and the colour policy (NO_COLOR, CLICOLOR, CLICOLOR_FORCE, --color). Nothing
// else in leakhound touches os.Stdout or os.Stderr.
package iostreams

import (
	"fmt"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IO holds the streams a command reads and writes.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// OutTTY and ErrTTY say whether stdout and stderr are terminals.
	OutTTY bool
	ErrTTY bool
}

// System returns the process's streams with terminal detection.
func System() *IO {
	return &IO{
		In:     os.Stdin,
		Out:    os.Stdout,
		Err:    os.Stderr,
		OutTTY: isTerminal(os.Stdout),
		ErrTTY: isTerminal(os.Stderr),
	}
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// Color modes accepted by --color.
const (
	ColorAuto   = "auto"
	ColorAlways = "always"
	ColorNever  = "never"
)

// ColorEnabled decides whether output to a stream is coloured: --color
// always/never win; otherwise CLICOLOR_FORCE forces colour, NO_COLOR or
// CLICOLOR=0 turn it off, and it is on only for terminals.
func ColorEnabled(mode string, tty bool, getenv func(string) string) (bool, error) {
	switch mode {
	case ColorAlways:
		return true, nil
	case ColorNever:
		return false, nil
	case ColorAuto, "":
	default:
		return false, fmt.Errorf("--color must be auto, always or never, not %q", mode)
	}
	if v := getenv("CLICOLOR_FORCE"); v != "" && v != "0" {
		return true, nil
	}
	if getenv("NO_COLOR") != "" || getenv("CLICOLOR") == "0" {
		return false, nil
	}
	return tty, nil
}
