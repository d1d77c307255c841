package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/finding"
)

// HistoryOptions choose the commits of a history scan.
type HistoryOptions struct {
	Revs         RevSpec
	Since, Until time.Time // committer dates; zero means unbounded
	// Stream makes Commits return once the revisions are resolved;
	// ScanHistory then walks the commits while it diffs and scans them,
	// and the History's Commits and Shallow are complete when it returns.
	Stream bool
	// RefNames are names of refs the run is about (the branch a CI run
	// was pushed or opened from), scanned as metadata: a name is
	// published with its ref. Without revisions, every ref's name is.
	RefNames []string
}

// History is the set of commits to scan, oldest boundary facts included.
// It keeps ids, and the decoded commits only up to decodedBudget bytes, so
// a scan need not read and inflate them a second time while its size stays
// bounded whatever the messages and signatures hold.
type History struct {
	Commits []plumbing.Hash
	// Loose is content that refs name directly, outside any commit: a ref
	// or annotated tag pointing at a blob or a tree (each blob a change at
	// "REF" or "REF:PATH", with no commit), and annotated tags' messages.
	Loose []Change
	// Shallow counts commits whose parents are not in this clone.
	Shallow int
	trees   map[plumbing.Hash]plumbing.Hash // commit -> its tree
	// decoded holds commits as the walk decoded them, decodedSize bytes
	// in all (an estimate); ScanHistory takes each out as it uses it
	decoded     map[plumbing.Hash]*commit
	decodedSize int
	// walk, for a streamed History, walks the commits with repo, calling
	// emit with each commit visited (included: selected for the scan);
	// emit returning false stops the walk. excluded are the commits a
	// range excludes: their trees are read when a child needs them.
	walk     func(repo *Repo, emit func(c *commit, included bool) bool) error
	excluded map[plumbing.Hash]bool
}

// decodedBudget bounds the decoded commits a History keeps: about 150,000
// commits of ordinary size. Past it, commits are read again when scanned.
const decodedBudget = 64 << 20

// keep holds c (as readCommit returns it, without signatures) for the
// scan if the budget allows.
func (h *History) keep(c *commit) {
	size := 256 + len(c.Message) + len(c.Author.Name) + len(c.Author.Email) +
		len(c.Committer.Name) + len(c.Committer.Email) + len(c.Encoding) + 20*len(c.ParentHashes)
	if h.decodedSize+size > decodedBudget {
		return
	}
	if h.decoded == nil {
		h.decoded = map[plumbing.Hash]*commit{}
	}
	h.decoded[c.Hash] = c
	h.decodedSize += size
}

// take returns the decoded commit id if the walk kept it, and lets it go.
func (h *History) take(id plumbing.Hash) (*commit, bool) {
	c, ok := h.decoded[id]
	if ok {
		delete(h.decoded, id)
	}
	return c, ok
}

// ErrMissingHistory means the history a range needs stops at a shallow
// clone's boundary.
var ErrMissingHistory = errors.New("fetch more history (git fetch --unshallow, or fetch-depth: 0 with actions/checkout)")

// UnknownRevisionError means a revision names nothing in this repository
// (or names something that is not a commit).
type UnknownRevisionError struct {
	Rev       string
	NotCommit bool
}

func (e *UnknownRevisionError) Error() string {
	if e.NotCommit {
		return fmt.Sprintf("revision %q is not a commit", e.Rev)
	}
	return fmt.Sprintf("unknown revision %q: it is not in this repository", e.Rev)
}

// Commits walks the commits selected by opts: every ref's history when no
// revision is given, else git's range semantics.
func (r *Repo) Commits(opts HistoryOptions) (*History, error) {
	include, exclude, loose, tags, err := r.resolveRevs(opts.Revs)
	if err != nil {
		return nil, err
	}
	if len(opts.RefNames) > 0 {
		var names metaBuilder
		for _, n := range opts.RefNames {
			names.add("ref", n, n)
		}
		tags = append(tags, names.c)
	}
	if err := r.loadShallow(); err != nil {
		return nil, err
	}
	excluded := map[plumbing.Hash]bool{}
	if err := r.walk(exclude, func(*commit) bool { return true }, excluded); err != nil {
		return nil, err
	}
	if len(exclude) == 1 {
		r.reached = map[plumbing.Hash]map[plumbing.Hash]bool{exclude[0]: excluded}
	}
	h := &History{trees: map[plumbing.Hash]plumbing.Hash{}, Loose: tags}
	for _, l := range loose {
		changes, err := r.looseChanges(l)
		if err != nil {
			return nil, err
		}
		h.Loose = append(h.Loose, changes...)
	}
	h.excluded = excluded
	h.walk = func(repo *Repo, emit func(c *commit, included bool) bool) error {
		seen := map[plumbing.Hash]bool{}
		for k := range excluded {
			seen[k] = true
		}
		err := repo.walk(include, func(c *commit) bool {
			if repo.shallow[c.Hash] && len(c.ParentHashes) > 0 {
				h.Shallow++
			}
			when := c.Committer.When
			if (!opts.Since.IsZero() && when.Before(opts.Since)) || (!opts.Until.IsZero() && when.After(opts.Until)) {
				return emit(c, false)
			}
			h.Commits = append(h.Commits, c.Hash)
			return emit(c, true)
		}, seen)
		if err != nil {
			return err
		}
		if h.Shallow > 0 && len(exclude) > 0 {
			return fmt.Errorf("the range reaches the shallow boundary of this clone before its base; %w", ErrMissingHistory)
		}
		return nil
	}
	if opts.Stream {
		return h, nil
	}
	err = h.walk(r, func(c *commit, included bool) bool {
		if included {
			h.trees[c.Hash] = c.TreeHash
			h.keep(c)
		}
		return true
	})
	h.walk = nil
	if err != nil {
		return nil, err
	}
	return h, nil
}

// loadShallow reads the commits at a shallow clone's boundary: only their
// parents may be missing. Any other missing object is an error.
func (r *Repo) loadShallow() error {
	hashes, err := r.repo.Storer.Shallow()
	if err != nil {
		return fmt.Errorf("reading the shallow commit list: %w", err)
	}
	r.shallow = map[plumbing.Hash]bool{}
	for _, h := range hashes {
		r.shallow[h] = true
	}
	return nil
}

// parents returns the parents of c that belong to this clone: none for a
// commit at a shallow boundary.
func (r *Repo) parents(c *commit) []plumbing.Hash {
	if r.shallow[c.Hash] {
		return nil
	}
	return c.ParentHashes
}

// walk visits every commit reachable from starts that is not in seen, marking
// each in seen. Parents missing from the clone (shallow) end the walk there.
func (r *Repo) walk(starts []plumbing.Hash, visit func(*commit) bool, seen map[plumbing.Hash]bool) error {
	stack := append([]plumbing.Hash(nil), starts...)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		c, err := r.readCommit(h)
		if err != nil {
			return fmt.Errorf("commit %s cannot be read (%w); the repository is incomplete or damaged", h, err)
		}
		if !visit(c) {
			return nil
		}
		for _, p := range r.parents(c) {
			if !seen[p] {
				stack = append(stack, p)
			}
		}
	}
	return nil
}

func (r *Repo) resolveRevs(s RevSpec) (include, exclude []plumbing.Hash, loose []looseRef, tags []Change, err error) {
	if s.Empty() {
		include, loose, tags, err = r.allRefs()
		return include, nil, loose, tags, err
	}
	resolve := func(rev string) (plumbing.Hash, error) {
		h, err := r.repo.ResolveRevision(rev)
		if errors.Is(err, errNoSuchRevision) {
			return plumbing.ZeroHash, &UnknownRevisionError{Rev: rev}
		}
		if err != nil {
			return plumbing.ZeroHash, err
		}
		// an annotated tag names its commit
		c, typ, err := r.peel(h, func(*tag) {})
		if err != nil || typ != plumbing.CommitObject {
			return plumbing.ZeroHash, &UnknownRevisionError{Rev: rev, NotCommit: err == nil}
		}
		return c, nil
	}
	for _, rev := range s.Include {
		h, err := resolve(rev)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		include = append(include, h)
	}
	for _, rev := range s.Exclude {
		h, err := resolve(rev)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		exclude = append(exclude, h)
	}
	for _, pair := range s.Symmetric {
		a, err := resolve(pair[0])
		if err != nil {
			return nil, nil, nil, nil, err
		}
		b, err := resolve(pair[1])
		if err != nil {
			return nil, nil, nil, nil, err
		}
		bases, err := r.repo.mergeBases(a, b)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("merge base of %s...%s: %w", pair[0], pair[1], err)
		}
		include = append(include, a, b)
		exclude = append(exclude, bases...)
	}
	return include, exclude, nil, nil, nil
}

// looseRef is a ref (or annotated tag) that names a blob or a tree.
type looseRef struct {
	name string
	typ  plumbing.ObjectType
	hash plumbing.Hash
}

// allRefs returns the commits every ref and HEAD point to, peeling tags,
// the refs that point at blobs or trees, and the metadata to scan besides
// commits: annotated tags' messages and taggers, and the refs' names.
// Notes (refs/notes/*) are refs like any other: pushed, they publish what
// their commits hold. Every worktree's HEAD counts, as git's --all counts
// it (worktrees.go).
func (r *Repo) allRefs() ([]plumbing.Hash, []looseRef, []Change, error) {
	var out []plumbing.Hash
	var loose []looseRef
	var tags []Change
	seenTags := map[plumbing.Hash]bool{}
	refs, err := r.repo.Storer.IterReferences()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("listing refs: %w", err)
	}
	// ref names are published with the refs (a branch named after a
	// token): one metadata change holds them all
	var names metaBuilder
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().String()
		names.add("ref", name, name)
		if ref.Type() != plumbing.HashReference {
			return nil
		}
		h, typ, err := r.peel(ref.Hash(), func(tag *tag) {
			if !seenTags[tag.Hash] {
				seenTags[tag.Hash] = true
				tags = append(tags, tagMetaChange(name, tag))
			}
		})
		if err != nil {
			return fmt.Errorf("ref %s: %w", name, err)
		}
		switch typ {
		case plumbing.CommitObject:
			out = append(out, h)
		case plumbing.BlobObject, plumbing.TreeObject:
			loose = append(loose, looseRef{name: name, typ: typ, hash: h})
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	if names.c.Meta != nil {
		tags = append(tags, names.c)
	}
	head, err := r.repo.Head()
	switch {
	case err == nil:
		h, typ, err := r.peel(head.Hash(), func(*tag) {})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("HEAD: %w", err)
		}
		if typ == plumbing.CommitObject {
			out = append(out, h)
		}
	case !errors.Is(err, plumbing.ErrReferenceNotFound):
		return nil, nil, nil, fmt.Errorf("reading HEAD: %w", err)
	}
	worktrees, err := r.worktreeRefs()
	if err != nil {
		return nil, nil, nil, err
	}
	for _, w := range worktrees {
		h, typ, err := r.peel(w.hash, func(*tag) {})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", w.name, err)
		}
		if typ == plumbing.CommitObject {
			out = append(out, h)
		}
	}
	return out, loose, tags, nil
}

// tagMetaChange is the text an annotated tag adds: its message, tagger
// and recorded name.
func tagMetaChange(ref string, tag *tag) Change {
	m := metaBuilder{}
	m.add("tag", ref, tag.Message)
	m.add("tag", ref, tag.Tagger.Name+" <"+tag.Tagger.Email+">")
	if tag.Name != strings.TrimPrefix(ref, "refs/tags/") {
		// the name the tag object records, when the ref (scanned with
		// the refs' names) does not say it
		m.add("tag", ref, tag.Name)
	}
	return m.c
}

// looseChanges lists the blobs a ref to a blob or tree holds, as changes
// with no commit and nothing before them.
func (r *Repo) looseChanges(l looseRef) ([]Change, error) {
	if l.typ == plumbing.BlobObject {
		return []Change{{Path: l.name, New: l.hash}}, nil
	}
	t, err := r.readTree(l.hash)
	if err != nil {
		return nil, fmt.Errorf("ref %s: %w", l.name, err)
	}
	d := &treeDiff{repo: r, dir: []byte(l.name + ":")} // "REF:PATH"
	if err := d.diff(nil, t); err != nil {
		return nil, fmt.Errorf("ref %s: %w", l.name, err)
	}
	return d.changed, nil
}

// peel follows annotated tags (each shown to visit) to the object they name
// and returns it with its type; an object that cannot be read is an error.
func (r *Repo) peel(h plumbing.Hash, visit func(*tag)) (plumbing.Hash, plumbing.ObjectType, error) {
	for i := 0; i < 16; i++ {
		obj, err := r.repo.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return h, 0, fmt.Errorf("object %s cannot be read (%w); the repository is incomplete or damaged", h, err)
		}
		if obj.Type() != plumbing.TagObject {
			return h, obj.Type(), nil
		}
		t, err := r.readTag(h)
		if err != nil {
			return h, 0, fmt.Errorf("tag %s cannot be read: %w", h, err)
		}
		visit(t)
		h = t.Target
	}
	return h, 0, fmt.Errorf("tag %s: more than 16 levels of tags", h)
}

// CommitMeta describes a commit for findings.
func CommitMeta(c *commit) *finding.Commit {
	msg, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	return &finding.Commit{
		ID:      c.Hash.String(),
		Author:  c.Author.Name,
		Email:   c.Author.Email,
		Date:    c.Author.When,
		Message: msg,
	}
}

// ScanHistory scans what each commit of h introduced. One goroutine diffs
// the commits' trees, in walk order so that a commit's tree is still cached
// when its parent is diffed, and hands the changes to workers that each
// hold their own repository handle; every unique blob is read and scanned
// once. For a streamed History another goroutine walks the commits at the
// same time, and each commit is diffed as soon as its parents have been
// walked.
func (r *Repo) ScanHistory(ctx context.Context, h *History, workers int, opts ScanOptions) ([]finding.Finding, error) {
	b := newBlobScanner(opts)
	b.partial = r.IsPartial()
	differ, err := r.Clone()
	if err != nil {
		return nil, err
	}
	trees := h.trees
	treeOf := func(c plumbing.Hash) (plumbing.Hash, error) {
		if t, ok := trees[c]; ok {
			return t, nil
		}
		commit, err := differ.readCommit(c)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		return commit.TreeHash, nil
	}
	changes := make(chan Change, 4096)
	send := func(chs []Change) bool {
		for _, ch := range chs {
			select {
			case changes <- ch:
			case <-ctx.Done():
				return false
			}
		}
		return true
	}
	diff := func(c *commit) error {
		chs, err := differ.commitChanges(c, treeOf, CommitMeta(c))
		if err != nil {
			return err
		}
		b.opts.Stats.Commits.Add(1)
		if !send(chs) {
			return ctx.Err()
		}
		return nil
	}
	var diffErr error
	diffDone := make(chan struct{})
	go func() {
		defer close(diffDone)
		defer close(changes)
		if !send(h.Loose) {
			return
		}
		if h.walk != nil {
			trees = map[plumbing.Hash]plumbing.Hash{}
			diffErr = r.diffWalk(ctx, h, trees, diff, b.opts.Stats)
			return
		}
		b.opts.Stats.TotalCommits.Store(int64(len(h.Commits)))
		b.opts.Stats.WalkDone.Store(true)
		for _, id := range h.Commits {
			if ctx.Err() != nil {
				return
			}
			c, ok := h.take(id)
			if !ok {
				if c, err = differ.readCommit(id); err != nil {
					diffErr = fmt.Errorf("commit %s cannot be read (%w); the repository is incomplete or damaged", id, err)
					return
				}
			}
			if diffErr = diff(c); diffErr != nil {
				return
			}
		}
	}()
	found, err := parallel(ctx, r, changes, workers, func(repo *Repo, c Change) ([]finding.Finding, error) {
		return b.introduced(repo, c), nil
	})
	<-diffDone
	if diffErr != nil && !errors.Is(diffErr, context.Canceled) {
		return found, diffErr
	}
	return found, err
}

// diffWalk walks a streamed History on its own handle and diffs each
// selected commit once the walk has seen its parents (a commit is walked
// before its parents; a merge's first parent may come long after), noting
// every walked commit's tree in trees. What still waits when the walk ends
// (a parent outside the walk) is diffed then, its parents' trees read.
func (r *Repo) diffWalk(ctx context.Context, h *History, trees map[plumbing.Hash]plumbing.Hash, diff func(*commit) error, stats *Stats) error {
	walker, err := r.Clone()
	if err != nil {
		return err
	}
	type walked struct {
		c        *commit
		included bool
	}
	feed := make(chan walked, 1024)
	var walkErr error
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		defer close(feed)
		walkErr = h.walk(walker, func(c *commit, included bool) bool {
			select {
			case feed <- walked{c, included}:
				return true
			case <-wctx.Done():
				return false
			}
		})
	}()
	waiting := map[plumbing.Hash][]*commit{} // by the parent they wait for
	// try diffs c if its parents are known, or has it wait for one
	try := func(c *commit) error {
		for _, p := range r.parents(c) {
			if _, ok := trees[p]; !ok && !h.excluded[p] {
				waiting[p] = append(waiting[p], c)
				return nil
			}
		}
		return diff(c)
	}
	var err2 error
	for w := range feed {
		if err2 != nil {
			stop()
			continue // drain, so the walk can end
		}
		trees[w.c.Hash] = w.c.TreeHash
		if w.included {
			stats.TotalCommits.Add(1)
			err2 = try(w.c)
		}
		children := waiting[w.c.Hash]
		delete(waiting, w.c.Hash)
		for _, c := range children {
			if err2 == nil {
				err2 = try(c)
			}
		}
	}
	stats.WalkDone.Store(true)
	if walkErr != nil {
		return walkErr
	}
	if err2 != nil {
		return err2
	}
	for _, children := range waiting {
		for _, c := range children {
			if err := diff(c); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// partialCloneHint says why blobs are missing from a partial clone and
// how to get them.
const partialCloneHint = "this is a partial clone (git clone --filter), which fetched no such blobs; scan a clone made without --filter (actions/checkout: no filter input)"

// IsPartial reports whether this is a partial clone: a remote promises
// the objects the clone's filter left out (remote.NAME.promisor, or the
// older extensions.partialClone).
func (r *Repo) IsPartial() bool {
	cfg := r.config
	if cfg.Section("extensions").Option("partialclone") != "" {
		return true
	}
	for _, remote := range cfg.Section("remote").Subsections {
		switch strings.ToLower(remote.Option("promisor")) {
		case "true", "yes", "on", "1":
			return true
		}
	}
	return false
}

// IsShallow reports whether this is a shallow clone.
func (r *Repo) IsShallow() (bool, error) {
	hashes, err := r.repo.Storer.Shallow()
	if err != nil {
		return false, fmt.Errorf("reading the shallow commit list: %w", err)
	}
	return len(hashes) > 0, nil
}

// RemoteBranches lists the remote-tracking branches (refs/remotes/...).
func (r *Repo) RemoteBranches() ([]string, error) {
	refs, err := r.repo.Storer.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("listing refs: %w", err)
	}
	var out []string
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		if name := ref.Name().String(); strings.HasPrefix(name, "refs/remotes/") {
			out = append(out, name)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// ForkPoint returns where head left base: the first commit that base also
// reaches, breadth-first from head (their merge base; one of them after
// criss-cross merges), or base itself when they share no history in this
// clone. What head changes is the difference from there, as a pull request
// shows it, whatever base gained since. The walks stop at a shallow
// clone's boundary, as the range's own walk does.
func (r *Repo) ForkPoint(base, head string) (string, error) {
	b, err := r.commitAt(base)
	if err != nil {
		return "", err
	}
	h, err := r.commitAt(head)
	if err != nil {
		return "", err
	}
	if err := r.loadShallow(); err != nil {
		return "", err
	}
	reached := r.reached[b.Hash] // what the range's walk found, when base was its end
	if reached == nil {
		reached = map[plumbing.Hash]bool{}
		if err := r.walk([]plumbing.Hash{b.Hash}, func(*commit) bool { return true }, reached); err != nil {
			return "", err
		}
		r.reached = map[plumbing.Hash]map[plumbing.Hash]bool{b.Hash: reached}
	}
	seen := map[plumbing.Hash]bool{h.Hash: true}
	for queue := []plumbing.Hash{h.Hash}; len(queue) > 0; queue = queue[1:] {
		if reached[queue[0]] {
			return queue[0].String(), nil
		}
		c, err := r.readCommit(queue[0])
		if err != nil {
			return "", fmt.Errorf("commit %s cannot be read (%w); the repository is incomplete or damaged", queue[0], err)
		}
		for _, p := range r.parents(c) {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return base, nil
}

// commitAt returns the commit rev names (through annotated tags), or an
// UnknownRevisionError.
func (r *Repo) commitAt(rev string) (*commit, error) {
	h, err := r.repo.ResolveRevision(rev)
	if errors.Is(err, errNoSuchRevision) {
		return nil, &UnknownRevisionError{Rev: rev}
	}
	if err != nil {
		return nil, err
	}
	c, typ, err := r.peel(h, func(*tag) {})
	if err != nil {
		return nil, err
	}
	if typ != plumbing.CommitObject {
		return nil, &UnknownRevisionError{Rev: rev, NotCommit: true}
	}
	commit, err := r.readCommit(c)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", c, err)
	}
	return commit, nil
}

// FileAt returns the content of path in the tree of commit rev; an error
// wrapping os.ErrNotExist when the commit has no such file.
func (r *Repo) FileAt(rev, path string) ([]byte, error) {
	commit, err := r.commitAt(rev)
	if err != nil {
		return nil, err
	}
	// this package's tree reader, not go-git's lookup, which refuses
	// names git accepts (control characters, ".git" components) as if
	// they were not there
	t, err := r.readTree(commit.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", commit.Hash, err)
	}
	e, ok, err := r.findEntry(t, path)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", rev, path, err)
	}
	if !ok || !isBlob(e.mode) {
		return nil, fmt.Errorf("%s:%s: %w", rev, path, os.ErrNotExist)
	}
	data, err := r.objects.readObject(e.hash, plumbing.BlobObject)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: blob %s: %w", rev, path, e.hash, err)
	}
	return bytes.Clone(data), nil // packed data may be the delta cache's
}
