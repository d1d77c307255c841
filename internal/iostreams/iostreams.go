// Package iostreams owns the process's standard streams, terminal detection
// and the colour policy (NO_COLOR, CLICOLOR, CLICOLOR_FORCE, --color). Nothing
// else in leakhound touches os.Stdout or os.Stderr.
package iostreams

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

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

// Escape makes text from scanned content or a change under review (a file
// name, a commit message, a provider's error) safe to print in a log or on
// a terminal: control characters (a newline that would start a forged
// "::error::" workflow command, escape sequences), bidirectional-text
// controls and invalid UTF-8 are shown as escapes (\n, \x1b, \u202e).
func Escape(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		return true
	case r == utf8.RuneError:
		return true
	}
	return false
}
