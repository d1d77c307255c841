package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/leakhound/leakhound/internal/ciplan"
	"github.com/leakhound/leakhound/internal/config"
	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/iostreams"
	"github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/source/git"
)

func runCI(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("ci", "leakhound ci [flags]\n\nScans exactly the commits a CI run is about, worked out from the platform's environment:\nGitHub Actions, GitLab CI and Azure Pipelines (pull and merge requests, pushes, new branches,\ntags, force pushes); --range overrides. The repository's .leakhound.toml and .leakhoundignore\nare read from the base of the range, never from the change being judged. Missing history is an\nerror (exit 2) with the fix for the platform, never a silent pass.")
	var o commonOpts
	o.register(fs)
	var rangeFlag string
	fs.StringVar(&rangeFlag, "range", "", "revision range to scan instead of the one the environment implies (e.g. origin/main..HEAD)")
	fs.BoolVar(&o.trustHeadPolicy, "trust-head-policy", false, "read .leakhound.toml and .leakhoundignore from the work tree, as changed by the commits scanned")
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("ci takes no arguments (use --range)")
	}
	repo, err := openRepo(e)
	if err != nil {
		return err
	}
	remotes, err := repo.RemoteBranches()
	if err != nil {
		return err
	}
	plan, err := ciplan.Make(ciplan.Input{Getenv: e.getenv, ReadFile: os.ReadFile, Range: rangeFlag, Remotes: remotes})
	if errors.Is(err, ciplan.ErrNoPlatform) {
		return usagef("ci: %v", err)
	}
	if err != nil {
		return err
	}
	// the description names the pushed branch or tag, which may be a
	// token: masked before it is printed, as findings are
	masked := maskDefaultSecrets(plan.Why, plan.FallbackWhy)
	plan.Why, plan.FallbackWhy = masked[0], masked[1]
	fmt.Fprintf(e.io.Err, "leakhound: %s\n", iostreams.Escape(plan.Why))
	if len(plan.Revs) == 0 {
		// said in plan.Why: nothing can be new
		if o.summary == "" {
			return nil
		}
		return appendFile(o.summary, func(w io.Writer) error {
			return report.Write(w, report.Report{Scope: plan.Why}, report.Options{Format: "markdown"})
		})
	}
	// the range first: a base missing from a shallow clone is said with
	// the platform's fix before anything is read from it
	h, err := ciCommits(repo, &plan, e)
	if err != nil {
		return err
	}
	notes, err := choosePolicy(e, &o, repo, plan)
	if err != nil {
		return err
	}
	s, err := newSession(e, &o, repoConfigRoot(repo))
	if err != nil {
		return err
	}
	s.notes = notes
	s.scope = fmt.Sprintf("%s: %d commit(s) of %s", plan.Why, len(h.Commits), strings.Join(plan.Revs, " "))
	if len(h.Commits) == 0 {
		fmt.Fprintf(e.io.Err, "leakhound: nothing new: every commit of %s is already on the remote or in the base\n", strings.Join(plan.Revs, " "))
	}
	open, closeGroup := report.Group(plan.Platform, fmt.Sprintf("leakhound: %d commit(s)", len(h.Commits)))
	if open != "" {
		fmt.Fprintln(e.io.Err, open)
	}
	var stats git.Stats
	scan := s.gitScanOptions(ctx, &stats, true)
	// the range adds what an LFS pointer names: unscanned, it cannot pass
	scan.MissingLFSIsProblem = true
	warmHeap(repo)
	found, err := repo.ScanHistory(ctx, h, o.threads, scan)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	s.add(stats.Blobs.Load()+stats.Parts.Load(), stats.BlobBytes.Load(), found)
	// every finding here is content the range introduces, so an inline
	// marker that accepts one is the change approving itself: said loudly
	s.redactPaths()
	for i := range s.found {
		if f := &s.found[i]; f.Accepted.By == finding.AcceptedInline {
			note := fmt.Sprintf("%s:%d: %s accepted by an inline marker the change adds (the change approves itself; review it, or refuse such markers with --no-inline-allow)", f.Path, f.Line, f.RuleID)
			fmt.Fprintf(e.io.Err, "leakhound: warning: %s\n", iostreams.Escape(note))
			s.notes = append(s.notes, note)
		}
	}
	result := s.finish(ctx, "")
	for i := range s.found {
		f := &s.found[i]
		line := ""
		switch {
		case !f.IsAccepted():
			line = report.Annotation(plan.Platform, f)
		case f.Accepted.By == finding.AcceptedInline:
			line = report.InlineAcceptedAnnotation(plan.Platform, f)
		}
		if line != "" {
			fmt.Fprintln(e.io.Err, line)
		}
	}
	if closeGroup != "" {
		fmt.Fprintln(e.io.Err, closeGroup)
	}
	return result
}

// choosePolicy decides where the repository's policy files are read from:
// the base of the range (what maintainers merged), never the commits being
// judged, unless --trust-head-policy or --policy-from says otherwise.
// Policy changes inside the range are listed.
func choosePolicy(e *env, o *commonOpts, repo *git.Repo, plan ciplan.Plan) ([]string, error) {
	switch {
	case o.policyFrom != "":
		o.policy = commitPolicy(repo, o.policyFrom, "--policy-from")
	case o.trustHeadPolicy:
		o.policy = diskPolicy(repoConfigRoot(repo))
	case plan.Base != "":
		o.policy = commitPolicy(repo, plan.Base, "the base of the range")
	default:
		o.policy = noPolicy("no base")
		if !o.noRepoConfig && !o.quiet {
			fmt.Fprintln(e.io.Err, "leakhound: warning: the range has no base commit, so the repository's .leakhound.toml and .leakhoundignore are not applied (they would judge the commits that carry them); pass --policy-from REV or --trust-head-policy to use them")
		}
	}
	if plan.Base == "" || plan.Head == "" {
		return nil, nil
	}
	var changes []string
	var err error
	if !o.trustHeadPolicy {
		root := repoConfigRoot(repo)
		configFile, _ := o.policy.inRepo(root, o.config)
		baselineFile, _ := o.policy.inRepo(root, o.baseline)
		changes, err = policyChanges(repo, plan.Base, plan.Head, configFile, baselineFile)
	}
	var defChanges []string
	if err == nil {
		defChanges, err = definitionChanges(repo, plan)
	}
	if err != nil {
		var unknown *git.UnknownRevisionError
		if errors.As(err, &unknown) {
			return nil, nil // the range itself will say what is missing
		}
		return nil, err
	}
	var notes []string
	for _, c := range changes {
		note := fmt.Sprintf("policy change in the range: %s; it is not applied to the commits it comes with (policy is read from %s)", c, o.policy.where)
		fmt.Fprintf(e.io.Err, "leakhound: %s\n", iostreams.Escape(note))
		notes = append(notes, note)
	}
	for _, c := range defChanges {
		note := fmt.Sprintf("CI definition change in the range: %s; this job runs the changed version, which can weaken or skip this check: review it, and require the check from a ruleset or the base branch (see the README's \"Who decides the policy\")", c)
		fmt.Fprintf(e.io.Err, "leakhound: warning: %s\n", iostreams.Escape(note))
		if line := report.Warning(plan.Platform, "leakhound: CI definition changed", note); line != "" {
			fmt.Fprintln(e.io.Err, line)
		}
		notes = append(notes, note)
	}
	return notes, nil
}

// ciCommits resolves the plan's range. A "before" commit that a full clone
// lacks (replaced by a force push) falls back to the commits no other
// remote branch has; in a shallow clone, missing history is an error with
// the platform's fix; an unknown revision is said as such.
func ciCommits(repo *git.Repo, plan *ciplan.Plan, e *env) (*git.History, error) {
	walk := func(revs []string) (*git.History, error) {
		spec, err := git.ParseRevArgs(revs)
		if err != nil {
			return nil, usagef("ci: %v", err)
		}
		return repo.Commits(git.HistoryOptions{Revs: spec, RefNames: plan.Refs})
	}
	shallow, err := repo.IsShallow()
	if err != nil {
		return nil, err
	}
	h, err := walk(plan.Revs)
	var unknown *git.UnknownRevisionError
	if errors.As(err, &unknown) && !shallow && len(plan.Fallback) > 0 && strings.HasPrefix(plan.Revs[0], unknown.Rev+"..") {
		fmt.Fprintf(e.io.Err, "leakhound: %s\n", iostreams.Escape(plan.FallbackWhy))
		h, err = walk(plan.Fallback)
		plan.Base = plan.FallbackBase
	}
	switch {
	case (errors.As(err, &unknown) && shallow) || errors.Is(err, git.ErrMissingHistory):
		return nil, fmt.Errorf("%w\nthis is a shallow clone: the commits to scan cannot all be read\nfix: %s", err, plan.Fix)
	case err != nil:
		return nil, err
	case h.Shallow > 0:
		return nil, fmt.Errorf("this is a shallow clone: %d commit(s) have parents that are not here, so the commits to scan cannot all be read\nfix: %s", h.Shallow, plan.Fix)
	}
	return h, nil
}

// maskDefaultSecrets masks what the default rules find in texts shown
// before any scan (a range's description, which names refs).
func maskDefaultSecrets(texts ...string) []string {
	cfg, err := config.Load(config.LoadOptions{})
	if err != nil {
		return texts
	}
	engine, err := detect.Compile(cfg.Rules, cfg.Allow, detect.Options{Lazy: true})
	if err != nil {
		return texts
	}
	out := make([]string, len(texts))
	for i, text := range texts {
		out[i] = engine.Redacted(text)
	}
	return out
}
