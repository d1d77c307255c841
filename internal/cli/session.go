package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/iostreams"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/source"
	"github.com/leakhound/leakhound/internal/suppress"
)

// commonOpts are the flags every scanning command takes.
type commonOpts struct {
	config        string
	noRepoConfig  bool
	format        string
	output        string
	noRedact      bool
	color         string
	threads       int
	maxFileSize   byteSize
	quiet         bool
	showInvalid   bool
	skipErrors    bool
	noInlineAllow bool
}

const defaultMaxFileSize = 50 << 20

func (o *commonOpts) register(fs *flagSet) {
	o.maxFileSize = defaultMaxFileSize
	fs.StringVar(&o.config, "config", "", "config `file` replacing the repository's .leakhound.toml (default rules still apply unless it says otherwise)")
	fs.BoolVar(&o.noRepoConfig, "no-repo-config", false, "ignore the repository's own .leakhound.toml")
	fs.StringVar(&o.format, "format", "text", "report format: "+strings.Join(report.Formats, ", "))
	fs.StringVar(&o.output, "output", "", "write the report to `file` (mode 0600) instead of stdout")
	fs.BoolVar(&o.noRedact, "no-redact", false, "print secrets in full")
	fs.StringVar(&o.color, "color", "auto", "colour: auto, always or never (NO_COLOR and CLICOLOR_FORCE are honoured)")
	fs.IntVar(&o.threads, "threads", runtime.NumCPU(), "number of scanning workers")
	fs.Var(&o.maxFileSize, "max-file-size", "skip files larger than `size` (e.g. 50MiB); skipped files make the exit code 2")
	fs.BoolVar(&o.quiet, "quiet", false, "print no summary or warnings, only the report and errors")
	fs.BoolVar(&o.showInvalid, "show-invalid", false, "also report token-shaped values whose checksum is wrong (placeholders, fakes)")
	fs.BoolVar(&o.skipErrors, "skip-errors", false, "warn about content that could not be scanned instead of exiting 2")
	fs.BoolVar(&o.noInlineAllow, "no-inline-allow", false, "ignore inline leakhound:allow markers (for CI that must not trust them)")
}

func (o *commonOpts) validate() error {
	if !slices.Contains(report.Formats, o.format) {
		return usagef("--format must be one of %s, not %q", strings.Join(report.Formats, ", "), o.format)
	}
	if o.threads < 1 {
		return usagef("--threads must be at least 1")
	}
	if _, err := iostreams.ColorEnabled(o.color, false, func(string) string { return "" }); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// session is one scanning run: its config, engine, counters and problems.
type session struct {
	env    *env
	opts   *commonOpts
	engine *detect.Engine
	start  time.Time

	mu       sync.Mutex
	problems []source.Problem
	files    int64
	bytes    int64
	found    []finding.Finding
}

// newSession loads the configuration for a repository (root may be empty)
// and compiles the engine.
func newSession(e *env, o *commonOpts, root string) (*session, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	lo := config.LoadOptions{File: o.config}
	if root != "" && !o.noRepoConfig {
		lo.RepoFile = filepath.Join(root, config.RepoFileName)
	}
	cfg, err := config.Load(lo)
	if err != nil {
		return nil, err
	}
	if !o.quiet {
		for _, w := range cfg.Warnings {
			fmt.Fprintf(e.io.Err, "leakhound: warning: %s\n", w)
		}
	}
	engine, err := detect.Compile(cfg.Rules, cfg.Allow, detect.Options{ShowInvalid: o.showInvalid})
	if err != nil {
		return nil, err
	}
	return &session{env: e, opts: o, engine: engine, start: time.Now()}, nil
}

func (s *session) problem(p source.Problem) {
	s.mu.Lock()
	s.problems = append(s.problems, p)
	s.mu.Unlock()
}

// scanContent detects secrets in one fragment and applies inline markers.
func (s *session) scanContent(f source.Fragment) []finding.Finding {
	found := s.engine.Detect(f)
	if !s.opts.noInlineAllow {
		for i := range found {
			if why, ok := suppress.Inline(f.Content, &found[i]); ok {
				found[i].Suppressed = why
			}
		}
	}
	return found
}

func (s *session) add(files, bytes int64, found []finding.Finding) {
	s.mu.Lock()
	s.files += files
	s.bytes += bytes
	s.found = append(s.found, found...)
	s.mu.Unlock()
}

// finish writes the report and the summary and returns the outcome as an
// error for exitCode: problems outrank findings, interruption outranks both.
func (s *session) finish(ctx context.Context, hint string) error {
	report.Sort(s.found)
	var kept, accepted []finding.Finding
	for _, f := range s.found {
		if f.Suppressed != "" {
			accepted = append(accepted, f)
		} else {
			kept = append(kept, f)
		}
	}
	interrupted := ctx.Err() != nil
	incomplete := interrupted || (len(s.problems) > 0 && !s.opts.skipErrors)
	r := report.Report{Findings: kept, Incomplete: interrupted || len(s.problems) > 0}
	if err := s.writeReport(r, hint); err != nil {
		return err
	}
	s.printProblems()
	s.printSummary(len(kept), len(accepted))
	switch {
	case interrupted:
		return context.Canceled
	case incomplete:
		return errIncomplete
	case len(kept) > 0:
		return errLeaks
	}
	return nil
}

func (s *session) writeReport(r report.Report, hint string) error {
	opts := report.Options{Format: s.opts.format, NoRedact: s.opts.noRedact, Hint: hint}
	if s.opts.output == "" {
		color, _ := iostreams.ColorEnabled(s.opts.color, s.env.io.OutTTY, s.env.getenv)
		opts.Color = color
		return report.Write(s.env.io.Out, r, opts)
	}
	opts.Color = s.opts.color == iostreams.ColorAlways
	return writeFileAtomic(s.opts.output, func(w io.Writer) error { return report.Write(w, r, opts) })
}

// writeFileAtomic writes a file with mode 0600 through a temporary file in
// the same directory, so a report is never left half-written.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("writing report: %w", err)
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing report %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

func (s *session) printProblems() {
	if len(s.problems) == 0 {
		return
	}
	slices.SortFunc(s.problems, func(a, b source.Problem) int { return strings.Compare(a.Path, b.Path) })
	level := "error"
	if s.opts.skipErrors {
		level = "warning"
	}
	for _, p := range s.problems {
		fmt.Fprintf(s.env.io.Err, "leakhound: %s: %s\n", level, p)
	}
	if !s.opts.skipErrors {
		fmt.Fprintf(s.env.io.Err, "leakhound: %d path(s) could not be scanned, so the result is incomplete (exit 2); --skip-errors makes these warnings\n", len(s.problems))
	}
}

func (s *session) printSummary(kept, accepted int) {
	if s.opts.quiet {
		return
	}
	var b strings.Builder
	switch kept {
	case 0:
		b.WriteString("no leaks found")
	case 1:
		b.WriteString("1 leak found")
	default:
		fmt.Fprintf(&b, "%d leaks found", kept)
	}
	if accepted > 0 {
		fmt.Fprintf(&b, " (%d accepted by inline markers, ignore file or baseline)", accepted)
	}
	fmt.Fprintf(&b, " in %d file(s), %s, %s", s.files, humanBytes(s.bytes), time.Since(s.start).Round(time.Millisecond))
	fmt.Fprintf(s.env.io.Err, "leakhound: %s\n", b.String())
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// repoRoot returns the nearest directory at or above path that holds .git
// (a directory, or a file for worktrees), or "".
func repoRoot(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	if info, err := os.Stat(abs); err == nil && !info.IsDir() {
		abs = filepath.Dir(abs)
	}
	for {
		if _, err := os.Lstat(filepath.Join(abs, ".git")); err == nil {
			return abs
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return ""
		}
		abs = parent
	}
}

var errStdinMixed = errors.New("'-' (stdin) cannot be combined with paths")
