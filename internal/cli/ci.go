package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/leakhound/leakhound/internal/source/git"
)

func runCI(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("ci", "leakhound ci [flags]\n\nScans exactly the commits a CI run is about, worked out from the platform's environment:\nGitHub Actions (push, first push of a branch, pull_request), GitLab CI (merge requests, pushes),\nAzure Pipelines (pull requests, CI builds); --range overrides. Missing history is an error (exit 2)\nwith the fix for the platform, never a silent pass.")
	var o commonOpts
	o.register(fs)
	var rangeFlag string
	fs.StringVar(&rangeFlag, "range", "", "revision range to scan instead of the one the environment implies (e.g. origin/main..HEAD)")
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("ci takes no arguments (use --range)")
	}
	plan, err := planCI(e.getenv, os.ReadFile, rangeFlag)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.io.Err, "leakhound: %s\n", plan.why)
	repo, s, err := openRepoSession(e, &o)
	if err != nil {
		return err
	}
	h, err := ciCommits(repo, &plan, e)
	if err != nil {
		return err
	}
	open, closeGroup := group(plan.platform, fmt.Sprintf("leakhound: %d commit(s)", len(h.Commits)))
	if open != "" {
		fmt.Fprintln(e.io.Err, open)
	}
	var stats git.Stats
	found, err := repo.ScanHistory(ctx, h, o.threads, s.gitScanOptions(ctx, &stats))
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	s.add(stats.Blobs.Load(), stats.BlobBytes.Load(), found)
	result := s.finish(ctx, "")
	for i := range s.found {
		if f := &s.found[i]; f.Suppressed == "" {
			if line := annotation(plan.platform, f); line != "" {
				fmt.Fprintln(e.io.Err, line)
			}
		}
	}
	if closeGroup != "" {
		fmt.Fprintln(e.io.Err, closeGroup)
	}
	return result
}

// ciCommits resolves the plan's range. In CI a range that cannot be walked
// completely is an error with the platform's fix: a partial scan would pass
// silently.
func ciCommits(repo *git.Repo, plan *ciPlan, e *env) (*git.History, error) {
	walk := func(revs []string) (*git.History, error) {
		spec, err := git.ParseRevArgs(revs)
		if err != nil {
			return nil, usagef("ci: %v", err)
		}
		return repo.Commits(git.HistoryOptions{Revs: spec})
	}
	h, err := walk(plan.revs)
	if errors.Is(err, git.ErrMissingHistory) && plan.fallbackBase != "" && plan.fallbackBase+".."+plan.head != strings.Join(plan.revs, " ") {
		fmt.Fprintf(e.io.Err, "leakhound: %v; scanning %s..%s instead\n", err, plan.fallbackBase, short12(plan.head))
		h, err = walk([]string{plan.fallbackBase + ".." + plan.head})
	}
	if errors.Is(err, git.ErrMissingHistory) {
		return nil, fmt.Errorf("%w\nfix: %s", err, plan.fix)
	}
	if err != nil {
		return nil, err
	}
	if h.Shallow > 0 {
		return nil, fmt.Errorf("this is a shallow clone: %d commit(s) have parents that are not here, so the commits to scan cannot all be read\nfix: %s", h.Shallow, plan.fix)
	}
	return h, nil
}
