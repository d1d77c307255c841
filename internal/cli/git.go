package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/prefault"
	"github.com/leakhound/leakhound/internal/source/git"
)

// detector adapts a session to the git sources: detection plus inline markers.
type detector struct {
	s   *session
	ctx context.Context
}

func (d detector) DetectStream(path string, r io.Reader) ([]finding.Finding, int64, error) {
	return d.s.engine.DetectReader(d.ctx, path, r, d.s.markInline)
}
func (d detector) DetectPart(path string, prev, file []byte, prefix, suffix, start, end int) ([]finding.Finding, bool, error) {
	if !d.s.engine.PartsExact(path, prev, file, prefix, suffix) {
		return nil, false, nil
	}
	found, _, err := d.s.engine.DetectPart(d.ctx, path, file, start, end, d.s.markInline)
	return found, true, err
}
func (d detector) PathSensitive(path string) bool { return d.s.engine.PathSensitive(path) }
func (d detector) Skips(path string) bool         { return d.s.engine.Skips(path) }

// gitScanOptions configures a git scan. history and ci scan the changed
// part of an edited blob (LEAKHOUND_WHOLE_BLOBS=1 scans whole blobs, to
// compare); staged judges what is staged whole.
func (s *session) gitScanOptions(ctx context.Context, stats *git.Stats, history bool) git.ScanOptions {
	return git.ScanOptions{
		Detector:    detector{s, ctx},
		MaxBlobSize: int64(s.opts.maxFileSize),
		Problem:     s.problem,
		Target:      s.target,
		Warning:     s.warnOnce,
		Stats:       stats,
		Parts:       history && s.env.getenv("LEAKHOUND_WHOLE_BLOBS") != "1",
	}
}

func openRepo(e *env) (*git.Repo, error) {
	repo, err := git.Open(".", e.getenv)
	if err != nil {
		return nil, fmt.Errorf("opening the git repository: %w", err)
	}
	return repo, nil
}

// warmHeap backs the heap a history scan of repo will use with huge pages
// (internal/prefault) when the repository is small enough for that to
// matter: on spf13/cobra and conda-forge-pinning-feedstock it cut 17% and
// 6% of a history scan; where the packs fill the delta cache (pytest,
// golang/tools) the heap grows far past it and no gain was measured.
func warmHeap(repo *git.Repo) {
	if heap := repo.HistoryHeap(); heap <= maxWarmHeap {
		prefault.Heap(heap)
	}
}

const maxWarmHeap = 64 << 20

// openRepoSession opens the repository of the working directory and a
// session configured from its root.
func openRepoSession(e *env, o *commonOpts) (*git.Repo, *session, error) {
	repo, err := openRepo(e)
	if err != nil {
		return nil, nil, err
	}
	if o.policyFrom != "" {
		o.policy = commitPolicy(repo, o.policyFrom, "--policy-from")
	}
	s, err := newSession(e, o, repoConfigRoot(repo))
	if err != nil {
		return nil, nil, err
	}
	return repo, s, nil
}

func repoConfigRoot(repo *git.Repo) string {
	if repo.WorkTree != "" {
		return repo.WorkTree
	}
	return ""
}

const stagedHint = `To commit without the secret:
  1. remove it from the file and stage the file again (git add FILE), or unstage the file (git restore --staged FILE);
  2. revoke it: it may already be copied elsewhere (each finding's "fix" line says how);
  3. if it is accepted (revoked, or not a secret), add its "ignore" line to .leakhoundignore, or put
     "leakhound:allow" in a comment on its line.`

func runStaged(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("staged", "leakhound staged [flags]\n\nScans what the next commit will contain: index entries that differ from HEAD, reporting only secrets\nthe change introduces. Used by the pre-commit hook (exit 1 blocks the commit).")
	var o commonOpts
	o.register(fs)
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("staged takes no arguments")
	}
	repo, err := openRepo(e)
	if err != nil {
		return err
	}
	// Compiling the rules and reading the index are independent: do both at
	// once, since the hook's latency is what makes people disable it.
	type sessionResult struct {
		s   *session
		err error
	}
	ready := make(chan sessionResult, 1)
	if o.policyFrom != "" {
		o.policy = commitPolicy(repo, o.policyFrom, "--policy-from")
	}
	o.lazy = true // a commit is small: compile only the rules its text needs
	go func() {
		s, err := newSession(e, &o, repoConfigRoot(repo))
		ready <- sessionResult{s, err}
	}()
	changes, err := repo.StagedChanges(repo.IndexPath(e.getenv))
	sr := <-ready
	if sr.err != nil {
		return sr.err
	}
	if err != nil {
		return err
	}
	s := sr.s
	s.scope = "staged changes (the index against HEAD)"
	var stats git.Stats
	found, err := repo.ScanChanges(ctx, changes, o.threads, s.gitScanOptions(ctx, &stats, false))
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	s.add(stats.Blobs.Load(), stats.BlobBytes.Load(), found)
	return s.finish(ctx, stagedHint)
}

func runHistory(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("history", "leakhound history [flags] [REV-RANGE...]\n\nScans what each commit introduced. Without arguments: every commit reachable from every ref\n(branches, tags, remotes, notes, the stash, HEAD) and the refs' names. Arguments are git\nrevisions and ranges: REV (its ancestry), ^REV, A..B, A...B.")
	var o commonOpts
	o.register(fs)
	var refNames refNameList
	fs.Var(&refNames, "ref-name", "also scan `name` as the name of a ref being published (repeatable; the pre-push hook passes the remote ref)")
	var since, until string
	fs.StringVar(&since, "since", "", "only commits committed at or after `date` (YYYY-MM-DD or RFC 3339)")
	fs.StringVar(&until, "until", "", "only commits committed at or before `date`")
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	revs, err := git.ParseRevArgs(pos)
	if err != nil {
		return usagef("history: %v", err)
	}
	// the walk runs while the first commits are diffed and scanned
	// (LEAKHOUND_WALK_FIRST=1 walks them all first, as ci does, to compare)
	hopts := git.HistoryOptions{Revs: revs, Stream: e.getenv("LEAKHOUND_WALK_FIRST") != "1", RefNames: refNames}
	if hopts.Since, err = parseDate(since, false); err != nil {
		return usagef("--since: %v", err)
	}
	if hopts.Until, err = parseDate(until, true); err != nil {
		return usagef("--until: %v", err)
	}
	repo, s, err := openRepoSession(e, &o)
	if err != nil {
		return err
	}
	h, err := repo.Commits(hopts)
	var unknown *git.UnknownRevisionError
	if errors.As(err, &unknown) {
		if shallow, _ := repo.IsShallow(); shallow {
			return fmt.Errorf("%w; this is a shallow clone, so it may lie beyond its boundary: %w", err, git.ErrMissingHistory)
		}
	}
	if err != nil {
		return err
	}
	s.scope = "history: every commit of every ref"
	if len(pos) > 0 {
		s.scope = "history: " + strings.Join(pos, " ")
	}
	var stats git.Stats
	stop := startProgress(e, &o, historyProgress(&stats))
	warmHeap(repo)
	found, err := repo.ScanHistory(ctx, h, o.threads, s.gitScanOptions(ctx, &stats, true))
	stop()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if h.Shallow > 0 && !o.quiet {
		fmt.Fprintf(e.io.Err, "leakhound: warning: this is a shallow clone: %d commit(s) have parents that are not here, so the history before them was not scanned (their whole content counts as introduced by them); run 'git fetch --unshallow' for a full audit\n", h.Shallow)
	}
	s.add(stats.Blobs.Load()+stats.Parts.Load(), stats.BlobBytes.Load(), found)
	if !o.quiet {
		fmt.Fprintf(e.io.Err, "leakhound: %d commit(s), %d unique blob(s) scanned whole, %d edit(s) of large files scanned in part\n", stats.Commits.Load(), stats.Blobs.Load(), stats.Parts.Load())
	}
	return s.finish(ctx, "")
}

func parseDate(s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid date %q (use YYYY-MM-DD or RFC 3339)", s)
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return t, nil
}

// historyProgress is history's progress line: commits, blobs, throughput
// and the time left.
func historyProgress(stats *git.Stats) func(elapsed float64) string {
	return func(elapsed float64) string {
		walked, total := stats.Commits.Load(), stats.TotalCommits.Load()
		mbps := float64(stats.BlobBytes.Load()) / (1 << 20) / elapsed
		eta, more := "?", "+" // the total grows while the walk goes on
		if stats.WalkDone.Load() {
			more = ""
			if walked > 0 && total >= walked {
				eta = (time.Duration(float64(total-walked) / float64(walked) * elapsed * float64(time.Second))).Round(time.Second).String()
			}
		}
		return fmt.Sprintf("commits %d/%d%s  blobs %d  %.1f MB/s  eta %s", walked, total, more, stats.Blobs.Load()+stats.Parts.Load(), mbps, eta)
	}
}

// startProgress prints the line progress makes to stderr every half second
// while stderr is a terminal (not in CI, not with --quiet), and returns a
// function that stops it and clears the line.
func startProgress(e *env, o *commonOpts, progress func(elapsed float64) string) func() {
	if !e.io.ErrTTY || o.quiet || e.getenv("CI") != "" {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	show := func() {
		fmt.Fprintf(e.io.Err, "\r\033[K%s", progress(max(time.Since(start).Seconds(), 0.001)))
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		show()
		for {
			select {
			case <-done:
				fmt.Fprint(e.io.Err, "\r\033[K")
				return
			case <-t.C:
				show()
			}
		}
	}()
	return func() { close(done); <-finished }
}

// refNameList is a repeatable flag's values.
type refNameList []string

func (l *refNameList) String() string { return strings.Join(*l, ",") }

func (l *refNameList) Set(s string) error {
	*l = append(*l, s)
	return nil
}
