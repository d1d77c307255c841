package cli

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/leakhound/leakhound/internal/iostreams"
)

// Exit codes.
const (
	ExitClean       = 0
	ExitLeaks       = 1
	ExitError       = 2
	ExitInterrupted = 130
)

// usageError is a mistake in the command line; it is printed with a hint.
// usageError is a mistake in the command line; cmd, when set, names the
// command whose help to point at.
type usageError struct{ msg, cmd string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// commandUsagef is usagef for a mistake in command cmd's flags or arguments:
// the message starts with the command, and the hint points at its help.
func commandUsagef(cmd, format string, args ...any) error {
	return &usageError{msg: cmd + ": " + fmt.Sprintf(format, args...), cmd: cmd}
}

// errLeaks means the command completed and found leaks.
var errLeaks = errors.New("leaks found")

// errIncomplete means findings were reported but something could not be
// scanned; the details were already printed.
var errIncomplete = errors.New("the scan was incomplete")

// env is what a command needs from the process besides its arguments.
type env struct {
	io     *iostreams.IO
	getenv func(string) string
}

type command struct {
	name, summary string
	run           func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"scan", "scan files, directories or stdin (-)", runScan},
		{"staged", "scan the changes staged for commit (pre-commit hook)", runStaged},
		{"history", "scan git history: every commit of every ref, or revision ranges", runHistory},
		{"ci", "scan the commits a CI run is about (GitHub Actions, GitLab CI, Azure Pipelines)", runCI},
		{"hook", "install or uninstall the git pre-commit hook", runHook},
		{"revoke", "revoke leaked GitHub tokens through GitHub's revocation API (asks first)", runRevoke},
		{"rules", "list, test or explain rules", runRules},
		{"version", "print the version", runVersion},
	}
}

// Main runs leakhound with args (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, io *iostreams.IO, getenv func(string) string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			code = internalError(io, r, debug.Stack())
		}
	}()
	e := &env{io: io, getenv: getenv}
	switch {
	case len(args) == 0:
		printUsage(io)
		return ExitError
	case args[0] == "--version" || args[0] == "-v":
		args = append([]string{"version"}, args[1:]...)
	case args[0] == "help" && len(args) > 1:
		// help CMD is CMD --help
		args = []string{args[1], "--help"}
	case isHelp(args[0]) || args[0] == "help":
		printUsage(io)
		return ExitClean
	}
	for _, c := range commands() {
		if c.name == args[0] {
			stop, err := startCPUProfile(args[1:])
			if err != nil {
				return exitCode(ctx, e, err)
			}
			defer stop()
			return exitCode(ctx, e, c.run(ctx, e, args[1:]))
		}
	}
	fmt.Fprintf(io.Err, "leakhound: unknown command %q%s\nRun 'leakhound --help' for usage.\n", iostreams.Escape(args[0]), suggest(args[0]))
	return ExitError
}

// suggest names the command closest to a mistyped one, as git and gh do.
func suggest(typed string) string {
	best, bestDist := "", 3
	for _, c := range commands() {
		if d := editDistance(typed, c.name); d < bestDist {
			best, bestDist = c.name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func exitCode(ctx context.Context, e *env, err error) int {
	switch {
	case err == nil:
		return ExitClean
	case errors.Is(err, errHelp):
		return ExitClean
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		fmt.Fprintln(e.io.Err, "leakhound: interrupted; the report is incomplete")
		return ExitInterrupted
	case errors.Is(err, errLeaks):
		return ExitLeaks
	case errors.Is(err, errIncomplete):
		return ExitError
	}
	var ue *usageError
	if errors.As(err, &ue) {
		help := "leakhound --help"
		if ue.cmd != "" {
			help = "leakhound " + ue.cmd + " --help"
		}
		fmt.Fprintf(e.io.Err, "leakhound: %s\nRun '%s' for usage.\n", ue.msg, help)
		return ExitError
	}
	// an error may name a file or revision from the change: escape every
	// line, then indent the lines after the first
	lines := strings.Split(err.Error(), "\n")
	for i := range lines {
		lines[i] = iostreams.Escape(lines[i])
	}
	msg := strings.Join(lines, "\n  ")
	fmt.Fprintf(e.io.Err, "leakhound: %s\n", msg)
	return ExitError
}

// internalError reports a panic: a bug, never a pass. The exit code is 2 so
// a gate fails closed, and the stack goes to stderr for the bug report.
func internalError(io *iostreams.IO, r any, stack []byte) int {
	fmt.Fprintf(io.Err, "leakhound: internal error: %v\nThis is a bug; please report it with the stack below. Nothing was passed: exit 2.\n%s", r, stack)
	return ExitError
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

func printUsage(io *iostreams.IO) {
	var b strings.Builder
	b.WriteString("leakhound finds leaked GitHub and Anaconda credentials before they are pushed.\n\nUsage:\n  leakhound <command> [flags] [args]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	b.WriteString("\nExit codes: 0 nothing found, 1 leaks found, 2 error (usage, config, or something not scanned), 130 interrupted.\nRun 'leakhound <command> --help' for a command's flags.\n")
	fmt.Fprint(io.Out, b.String())
}
