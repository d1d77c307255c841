package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/iostreams"
	"github.com/leakhound/leakhound/internal/lfs"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/source"
	"github.com/leakhound/leakhound/internal/suppress"
	"github.com/leakhound/leakhound/internal/verify"
)

// session is one scanning run: its config, engine, counters and problems.
type session struct {
	env    *env
	opts   *commonOpts
	engine *detect.Engine
	start  time.Time
	// lfs, set when files of a git work tree are scanned, finds the
	// content of Git LFS pointers (a checkout made without LFS objects)
	lfs *lfs.Store
	// githubAPI is the config's GitHub Enterprise Server API, if any
	githubAPI config.Setting

	ignore   *suppress.List
	baseline *suppress.List

	mu       sync.Mutex
	problems []source.Problem
	files    int64
	bytes    int64
	found    []finding.Finding
	targets  map[string]bool
	warned   map[string]bool
	// notes go to stderr and into reports that carry them (SARIF)
	notes []string
	// scope says what was scanned and why, for the Markdown summary
	scope string
}

// newSession loads the configuration for a repository (root may be empty)
// and compiles the engine.
func newSession(e *env, o *commonOpts, root string) (*session, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	pol := o.policy
	if pol == nil {
		pol = diskPolicy(root)
	}
	lo := config.LoadOptions{File: o.config}
	if rel, ok := pol.inRepo(root, o.config); ok {
		// the job's config lies in the repository, which holds the change
		// being judged: read from where the policy is
		data, name, err := pol.file(rel)
		switch {
		case err != nil:
			return nil, err
		case data == nil:
			lo.File = ""
			if !o.quiet {
				fmt.Fprintf(e.io.Err, "leakhound: warning: --config %s is not in %s (the change adds it), so it is not applied: the default rules judge this change\n", rel, pol.where)
			}
		default:
			lo.File, lo.FileData = name, data
		}
	}
	if !o.noRepoConfig && o.config == "" {
		data, name, err := pol.file(config.RepoFileName)
		if err != nil {
			return nil, err
		}
		lo.RepoData, lo.RepoName = data, name
	}
	cfg, err := config.Load(lo)
	if err != nil {
		return nil, err
	}
	if err := o.applyScanConfig(cfg); err != nil {
		return nil, err
	}
	if !o.quiet {
		for _, w := range cfg.Warnings {
			fmt.Fprintf(e.io.Err, "leakhound: warning: %s\n", iostreams.Escape(w))
		}
	}
	s := &session{env: e, opts: o, start: time.Now(), githubAPI: cfg.GitHubAPI}
	engine, err := detect.Compile(cfg.Rules, cfg.Allow, detect.Options{
		ShowInvalid:    o.showInvalid,
		MaxDecodeDepth: o.maxDecodeDepth,
		OnProblem:      func(path, reason string) { s.problem(source.Problem{Path: path, Reason: reason}) },
		OnWarning:      s.warnOnce,
		MaskContext:    !o.noRedact,
		Exempt:         exemptExamples(cfg, root),
		Lazy:           o.lazy,
	})
	if err != nil {
		return nil, err
	}
	s.engine = engine
	if !o.quiet {
		for _, w := range engine.Warnings() {
			fmt.Fprintf(e.io.Err, "leakhound: warning: %s\n", w)
		}
	}
	s.ignore = &suppress.List{}
	if !o.noRepoConfig && !o.noIgnoreFile {
		data, name, err := pol.file(suppress.IgnoreFileName)
		if err != nil {
			return nil, err
		}
		if data != nil {
			if s.ignore, err = suppress.Parse(name, bytes.NewReader(data)); err != nil {
				return nil, err
			}
		}
		if !o.quiet {
			for _, w := range s.ignore.Broad() {
				fmt.Fprintf(e.io.Err, "leakhound: warning: %s\n", iostreams.Escape(w))
			}
		}
	}
	switch {
	case o.baseline != "":
		load := func() (*suppress.List, error) { return suppress.Load(o.baseline, o.baseline, false) }
		if s.baseline, err = trustedBaseline(e, o, pol, root, o.baseline, "--baseline "+o.baseline, load); err != nil {
			return nil, fmt.Errorf("reading baseline: %w", err)
		}
	case cfg.Scan.Baseline != "" && cfg.FromRepo:
		// read from where the config was read: a change cannot widen
		// the baseline that judges it
		data, name, err := pol.file(cfg.Scan.Baseline)
		if err != nil {
			return nil, fmt.Errorf("reading the baseline named in %s: %w", cfg.ScanFile, err)
		}
		switch {
		case data == nil && o.writeBaseline != "":
			s.baseline = &suppress.List{} // about to be written
		case data == nil:
			return nil, fmt.Errorf("%s: [scan] baseline %q does not exist in %s", cfg.ScanFile, cfg.Scan.Baseline, pol.where)
		default:
			if s.baseline, err = suppress.Parse(name, bytes.NewReader(data)); err != nil {
				return nil, err
			}
		}
	case cfg.Scan.Baseline != "":
		name := cfg.Scan.Baseline
		if root != "" {
			name = filepath.Join(root, name)
		}
		load := func() (*suppress.List, error) { return suppress.Load(name, displayPath(name), o.writeBaseline != "") }
		if s.baseline, err = trustedBaseline(e, o, pol, root, name, fmt.Sprintf("%s: [scan] baseline %q", cfg.ScanFile, cfg.Scan.Baseline), load); err != nil {
			return nil, fmt.Errorf("reading the baseline named in %s: %w", cfg.ScanFile, err)
		}
	}
	return s, nil
}

// trustedBaseline loads the baseline at path, which what names (in
// messages). One that lies in the repository is read from where the policy
// is when that is a commit (the work tree holds the change being judged);
// missing there, it accepts nothing, with a warning. Any other is read by
// load.
func trustedBaseline(e *env, o *commonOpts, pol *policy, root, path, what string, load func() (*suppress.List, error)) (*suppress.List, error) {
	rel, ok := pol.inRepo(root, path)
	if !ok {
		return load()
	}
	data, name, err := pol.file(rel)
	switch {
	case err != nil:
		return nil, err
	case data == nil:
		if !o.quiet && o.writeBaseline == "" {
			fmt.Fprintf(e.io.Err, "leakhound: warning: %s is not in %s (the change adds it), so it accepts nothing here\n", what, pol.where)
		}
		return &suppress.List{}, nil
	}
	return suppress.Parse(name, bytes.NewReader(data))
}

// applyScanConfig takes the loaded config's [scan] settings for the flags
// not given on the command line.
func (o *commonOpts) applyScanConfig(cfg *config.Config) error {
	sc := cfg.Scan
	if sc.MaxFileSize != "" && !o.given("max-file-size") {
		n, err := config.ParseSize(sc.MaxFileSize)
		if err != nil {
			return fmt.Errorf("%s: [scan] max_file_size: %w", cfg.ScanFile, err)
		}
		o.maxFileSize = byteSize(n)
	}
	if sc.MaxDecodeDepth != nil && !o.given("max-decode-depth") {
		o.maxDecodeDepth = *sc.MaxDecodeDepth
	}
	return nil
}

// suppress marks findings accepted by the ignore file or the baseline
// (inline markers were applied during detection).
func (s *session) suppress() {
	for i := range s.found {
		f := &s.found[i]
		if f.IsAccepted() {
			continue
		}
		if e, ok := s.ignore.Match(f); ok {
			f.Accepted = finding.Acceptance{By: finding.AcceptedByIgnoreFile, Entry: e.Source + " (" + e.String() + ")"}
		} else if e, ok := s.baseline.Match(f); ok {
			f.Accepted = finding.Acceptance{By: finding.AcceptedByBaseline, Entry: e.Source}
		}
	}
}

// warnOnce prints a warning about path once, redacted, even under
// --quiet: it says what was not looked at.
func (s *session) warnOnce(path, msg string) {
	if s.engine != nil {
		// printed now, before reports mask what was found: a path
		// or a message may name a secret
		path, msg = s.engine.Redacted(path), s.engine.Redacted(msg)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.warned == nil {
		s.warned = map[string]bool{}
	}
	if s.warned[path+"\x00"+msg] {
		return
	}
	s.warned[path+"\x00"+msg] = true
	fmt.Fprintf(s.env.io.Err, "leakhound: warning: %s: %s\n", iostreams.Escape(path), msg)
}

// exemptExamples maps the loaded config file, as scans name it (relative
// to the repository root), to its rules' examples: the only strings in it
// that are not reported.
func exemptExamples(cfg *config.Config, root string) map[string][]string {
	if cfg.ExamplesFile == "" || len(cfg.Examples) == 0 {
		return nil
	}
	if cfg.FromRepo {
		return map[string][]string{config.RepoFileName: cfg.Examples}
	}
	out := map[string][]string{relativeTo(root, cfg.ExamplesFile): cfg.Examples}
	if root == "" {
		out[displayPath(cfg.ExamplesFile)] = cfg.Examples
	}
	return out
}

func (s *session) problem(p source.Problem) {
	s.mu.Lock()
	s.problems = append(s.problems, p)
	s.mu.Unlock()
}

// markInline applies inline markers to findings in content.
func (s *session) markInline(content []byte, found []finding.Finding) {
	if s.opts.noInlineAllow {
		return
	}
	for i := range found {
		if why, ok := suppress.Inline(content, &found[i]); ok {
			found[i].Accepted = finding.Acceptance{By: finding.AcceptedInline, Entry: why}
		}
	}
}

// scanReader detects secrets in a stream (a file, stdin), reading at most
// maxSize bytes (0: no limit) and reporting a stream that grows past it.
func (s *session) scanReader(ctx context.Context, path string, r io.Reader) {
	limit := int64(s.opts.maxFileSize)
	if limit > 0 {
		r = io.LimitReader(r, limit+1)
	}
	found, n, err := s.engine.DetectReader(ctx, path, r, s.markInline)
	if err != nil && ctx.Err() == nil {
		s.problem(source.Problem{Path: path, Reason: fmt.Sprintf("read error after %d bytes: %v; not fully scanned", n, err)})
	}
	if limit > 0 && n > limit {
		s.problem(source.Problem{Path: path, Reason: fmt.Sprintf("grew past --max-file-size %d while being read; not fully scanned", limit)})
	}
	s.add(1, n, found)
}

// target records a scanned path (JUnit reports one test case per target).
func (s *session) target(path string) {
	s.mu.Lock()
	if s.targets == nil {
		s.targets = map[string]bool{}
	}
	s.targets[path] = true
	s.mu.Unlock()
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
	if err := s.engine.Ready(); err != nil {
		return err
	}
	s.redactPaths()
	report.Sort(s.found)
	if !s.opts.noRedact {
		redactCommits(s.found)
	}
	s.suppress()
	if s.opts.verify && ctx.Err() == nil {
		if err := s.verifyKept(ctx); err != nil {
			return err
		}
	}
	kept, accepted, baselined := s.partition()
	if s.opts.writeBaseline != "" {
		if err := s.writeBaselineFile(append(append([]finding.Finding(nil), kept...), baselined...)); err != nil {
			return err
		}
	}
	shown := kept
	if s.opts.showSuppressed {
		shown = s.found
	}
	interrupted := ctx.Err() != nil
	if err := s.writeReports(s.report(shown, interrupted), hint); err != nil {
		return err
	}
	s.printUnusedEntries()
	s.printProblems(interrupted)
	s.printSummary(kept, len(accepted))
	return s.outcome(kept, interrupted)
}

// minMaskedInNames is the shortest secret masked in paths and messages.
const minMaskedInNames = 8

// redactPaths hides every secret found in the paths reports show (a file
// named after the token it holds): in findings, the scanned paths a JUnit
// report lists, and the scope, notes and problems, which name refs and
// files. Always, --no-redact or not, as the names of files a
// change adds are: a path is not where a report shows a secret, and its
// fingerprint, which an ignore line names, must not depend on the flag.
func (s *session) redactPaths() {
	var pairs []string
	for _, f := range s.found {
		// a match of a few characters (a rule that matches anything) is
		// no name's secret, and masking it would garble every message
		if sec := f.Secret.Reveal(); len(sec) >= minMaskedInNames {
			pairs = append(pairs, sec, f.Secret.String())
		}
	}
	if len(pairs) == 0 {
		return
	}
	r := strings.NewReplacer(pairs...)
	for i := range s.found {
		s.found[i].Path = r.Replace(s.found[i].Path)
		s.found[i].Archive = r.Replace(s.found[i].Archive)
	}
	// the scope, notes and problems name refs and files too
	s.scope = r.Replace(s.scope)
	for i, n := range s.notes {
		s.notes[i] = r.Replace(n)
	}
	for i := range s.problems {
		s.problems[i].Path, s.problems[i].Reason = r.Replace(s.problems[i].Path), r.Replace(s.problems[i].Reason)
	}
	if s.targets != nil {
		masked := make(map[string]bool, len(s.targets))
		for t := range s.targets {
			masked[r.Replace(t)] = true
		}
		s.targets = masked
	}
}

// redactCommits hides every secret found in the commit fields reports show
// (an author e-mail or message may hold one), in copies: the commit
// records are shared between findings.
func redactCommits(found []finding.Finding) {
	var pairs []string
	for _, f := range found {
		if sec := f.Secret.Reveal(); sec != "" {
			pairs = append(pairs, sec, f.Secret.String())
		}
	}
	if len(pairs) == 0 {
		return
	}
	r := strings.NewReplacer(pairs...)
	masked := map[*finding.Commit]*finding.Commit{}
	for i := range found {
		c := found[i].Commit
		if c == nil {
			continue
		}
		if m, ok := masked[c]; ok {
			found[i].Commit = m
			continue
		}
		m := *c
		m.Author, m.Email, m.Message = r.Replace(c.Author), r.Replace(c.Email), r.Replace(c.Message)
		masked[c] = &m
		found[i].Commit = &m
	}
}

// verifyKept verifies the findings nobody accepted.
func (s *session) verifyKept(ctx context.Context) error {
	var idx []int
	for i := range s.found {
		if !s.found[i].IsAccepted() {
			idx = append(idx, i)
		}
	}
	return s.verifyFindings(ctx, idx)
}

// partition splits the findings into those that count and those accepted
// (of which baselined is the part a baseline accepted).
func (s *session) partition() (kept, accepted, baselined []finding.Finding) {
	for _, f := range s.found {
		switch {
		case !f.IsAccepted():
			kept = append(kept, f)
		case f.Accepted.By == finding.AcceptedByBaseline:
			baselined = append(baselined, f)
			accepted = append(accepted, f)
		default:
			accepted = append(accepted, f)
		}
	}
	return kept, accepted, baselined
}

func (s *session) writeBaselineFile(fs []finding.Finding) error {
	if err := writeFileAtomic(s.opts.writeBaseline, func(w io.Writer) error { return suppress.WriteBaseline(w, fs) }); err != nil {
		return err
	}
	if !s.opts.quiet {
		fmt.Fprintf(s.env.io.Err, "leakhound: wrote %d finding(s) to the baseline %s\n", len(fs), s.opts.writeBaseline)
	}
	return nil
}

// report assembles what the writers need.
func (s *session) report(shown []finding.Finding, interrupted bool) report.Report {
	r := report.Report{
		Findings:   shown,
		Incomplete: interrupted || len(s.problems) > 0,
		Rules:      s.engine.Rules(),
		Version:    version(),
		Scope:      s.scope,
	}
	for _, p := range s.problems {
		r.Problems = append(r.Problems, p.String())
	}
	r.Warnings = s.notes
	if s.opts.format == "junit" || slices.ContainsFunc(s.opts.reports, func(r reportSpec) bool { return r.format == "junit" }) {
		for t := range s.targets {
			r.Targets = append(r.Targets, t)
		}
		slices.Sort(r.Targets)
	}
	return r
}

func (s *session) printUnusedEntries() {
	if !s.opts.reportUnused {
		return
	}
	for _, l := range []*suppress.List{s.ignore, s.baseline} {
		if l == nil {
			continue
		}
		for _, e := range l.Unused() {
			fmt.Fprintf(s.env.io.Err, "leakhound: unused entry %s: %s\n", e.Source, e)
		}
	}
}

// outcome is the run's result for exitCode: interruption outranks
// problems, which outrank findings.
func (s *session) outcome(kept []finding.Finding, interrupted bool) error {
	switch {
	case interrupted:
		return context.Canceled
	case len(s.problems) > 0 && !s.opts.skipErrors:
		return errIncomplete
	case s.opts.failOn == failOnLive:
		unknown, unverifiable := 0, 0
		for _, f := range kept {
			if f.Verification != nil && f.Verification.Status == verify.Live {
				return errLeaks
			}
			switch {
			case f.Verification == nil || f.Verification.Status == verify.Unknown:
				unknown++
			case f.Verification.Status == verify.Unverifiable:
				unverifiable++
			}
		}
		if unverifiable > 0 {
			// no provider can say these are dead, so they may be live
			fmt.Fprintf(s.env.io.Err, "leakhound: %d finding(s) cannot be verified (unverifiable), so --fail-on live counts them as live; revoke them, or accept them in .leakhoundignore or a baseline\n", unverifiable)
			return errLeaks
		}
		if unknown > 0 {
			// "no live finding" is only known when every verdict is in
			fmt.Fprintf(s.env.io.Err, "leakhound: verification incomplete: %d of %d finding(s) have no verdict (unknown), so --fail-on live cannot pass them\n", unknown, len(kept))
			return errIncomplete
		}
	case len(kept) > 0:
		return errLeaks
	}
	return nil
}

// displayPath shows p relative to the working directory when below it.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	return relativeTo(wd, p)
}

var errStdinMixed = errors.New("'-' (stdin) cannot be combined with paths")
