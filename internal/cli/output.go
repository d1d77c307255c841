package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/iostreams"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/source"
)

// writeReports writes the report in the --format asked for, then each
// --write, then appends the --summary. Every one is attempted; the first
// error is returned.
func (s *session) writeReports(r report.Report, hint string) error {
	err := s.writeReport(r, hint)
	for _, spec := range s.opts.reports {
		opts := report.Options{Format: spec.format, NoRedact: s.opts.noRedact, Hint: hint, Color: s.opts.color == iostreams.ColorAlways && spec.format == "text"}
		err = errors.Join(err, writeFileAtomic(spec.file, func(w io.Writer) error { return report.Write(w, r, opts) }))
	}
	if s.opts.summary != "" {
		err = errors.Join(err, appendFile(s.opts.summary, func(w io.Writer) error {
			return report.Write(w, r, report.Options{Format: "markdown"})
		}))
	}
	return err
}

// appendFile appends to path (created with mode 0600 if missing), as a
// CI platform's summary file expects: other steps' text stays.
func appendFile(path string, write func(io.Writer) error) error {
	return writeInPlace(path, path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, write)
}

// writeInPlace opens target with flag (mode 0600 if created) and writes
// it; errors name path, the name the user gave.
func writeInPlace(path, target string, flag int, write func(io.Writer) error) error {
	f, err := os.OpenFile(target, flag, 0o600)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func (s *session) writeReport(r report.Report, hint string) error {
	opts := report.Options{Format: s.opts.format, NoRedact: s.opts.noRedact, Hint: hint}
	if s.opts.output == "" {
		color, _ := iostreams.ColorEnabled(s.opts.color, s.env.io.OutTTY && s.env.getenv("CI") == "", s.env.getenv)
		opts.Color = color
		return report.Write(s.env.io.Out, r, opts)
	}
	opts.Color = s.opts.color == iostreams.ColorAlways
	return writeFileAtomic(s.opts.output, func(w io.Writer) error { return report.Write(w, r, opts) })
}

// writeFileAtomic writes path as the user named it. A regular file (or a
// new one) is written to a temporary file beside it and renamed over it,
// so a reader never sees half a report; a symbolic link is followed and its
// target written the same way; a FIFO, device or other special file is
// written in place (renaming would replace it with a regular file). Errors
// name the path the user gave.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	} else if info, lerr := os.Lstat(path); lerr == nil && info.Mode()&os.ModeSymlink != 0 {
		// a dangling link: write where it points
		dest, rerr := os.Readlink(path)
		if rerr != nil {
			return fmt.Errorf("writing %s: %w", path, rerr)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		target = dest
	}
	if info, err := os.Stat(target); err == nil && !info.Mode().IsRegular() {
		if info.IsDir() {
			return fmt.Errorf("writing %s: it is a directory", path)
		}
		return writeInPlace(path, target, os.O_WRONLY, write)
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	return nil
}

// unwrapPath drops the temporary file's name from an error, which the user
// never chose and which would only confuse.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

func (s *session) printProblems(interrupted bool) {
	if len(s.problems) == 0 {
		return
	}
	slices.SortFunc(s.problems, func(a, b source.Problem) int { return strings.Compare(a.Path, b.Path) })
	level := "error"
	if s.opts.skipErrors {
		level = "warning"
	}
	for _, p := range s.problems {
		fmt.Fprintf(s.env.io.Err, "leakhound: %s: %s\n", level, iostreams.Escape(p.String()))
	}
	switch {
	case interrupted:
		// the exit code is the interruption's (130), not 2
		fmt.Fprintf(s.env.io.Err, "leakhound: %d path(s) could not be scanned before the scan was interrupted\n", len(s.problems))
	case !s.opts.skipErrors:
		fmt.Fprintf(s.env.io.Err, "leakhound: %d path(s) could not be scanned, so the result is incomplete (exit 2); --skip-errors makes these warnings\n", len(s.problems))
	}
}

func (s *session) printSummary(kept []finding.Finding, accepted int) {
	if s.opts.quiet {
		return
	}
	var b strings.Builder
	switch len(kept) {
	case 0:
		b.WriteString("no leaks found")
	case 1:
		b.WriteString("1 leak found")
	default:
		fmt.Fprintf(&b, "%d leaks found", len(kept))
	}
	if s.opts.verify && len(kept) > 0 {
		counts := map[finding.Status]int{}
		for _, f := range kept {
			if f.Verification != nil {
				counts[f.Verification.Status]++
			}
		}
		fmt.Fprintf(&b, " (verified: %d live, %d invalid, %d unknown, %d unverifiable)", counts[finding.Live], counts[finding.Invalid], counts[finding.Unknown], counts[finding.Unverifiable])
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
