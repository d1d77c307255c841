package git

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"

	"github.com/leakhound/leakhound/internal/finding"
)

// Change is content that a commit (or the index) introduces at a path.
// Findings in New count only when their rule and secret are in none of Old:
// the blobs at the same path before the change (one per parent) and, for
// added paths, the blobs the same change deleted (renames).
type Change struct {
	Path   string
	New    plumbing.Hash
	Old    []plumbing.Hash
	Commit *finding.Commit
	// Meta, when set, is text about a commit or tag rather than a blob:
	// its message, identities and the paths it adds, in Sections.
	Meta     []byte
	Sections []Section
}

// Section is where in a Change's Meta one kind of metadata starts, and
// what findings there report: Location ("message", "author", "committer",
// "header", "path", "tag", "ref") and Path.
type Section struct {
	Start    int
	Location string
	Path     string
}

// section returns the section holding offset.
func (c *Change) section(offset int) Section {
	var s Section
	for _, sec := range c.Sections {
		if sec.Start > offset {
			break
		}
		s = sec
	}
	return s
}

// metaBuilder assembles a Change's Meta, a line or more per section.
type metaBuilder struct{ c Change }

func (m *metaBuilder) add(location, path, text string) {
	m.c.Sections = append(m.c.Sections, Section{Start: len(m.c.Meta), Location: location, Path: path})
	m.c.Meta = append(append(m.c.Meta, text...), '\n')
}

// commitMetaChange is the text a commit adds besides its blobs: message,
// author, committer and the paths of the files it adds.
func commitMetaChange(c *commit, added []Change, meta *finding.Commit) Change {
	m := metaBuilder{c: Change{Commit: meta}}
	m.add("message", "(commit message)", c.Message)
	m.add("author", "(commit author)", c.Author.Name+" <"+c.Author.Email+">")
	m.add("committer", "(commit committer)", c.Committer.Name+" <"+c.Committer.Email+">")
	if c.MergeTag != "" {
		m.add("header", "(commit header mergetag)", c.MergeTag)
	}
	for _, x := range c.ExtraHeaders {
		m.add("header", "(commit header "+x.Key+")", x.Value)
	}
	addPaths(&m, added)
	return m.c
}

// addPaths adds the paths that changes bring in (added or renamed to; not
// files edited in place, whose names were there before) as "path"
// sections.
func addPaths(m *metaBuilder, changes []Change) {
	for _, ch := range changes {
		if len(ch.Old) == 0 {
			m.add("path", ch.Path, ch.Path)
		}
	}
}

// pathsChange is the names a change adds, as metadata to scan; ok is false
// when it adds none.
func pathsChange(changes []Change) (Change, bool) {
	var m metaBuilder
	addPaths(&m, changes)
	return m.c, m.c.Meta != nil
}

// treeDiff collects the blobs that differ between two trees, reading only
// the subtrees whose ids differ.
type treeDiff struct {
	repo    *Repo
	changed []Change
	deleted []plumbing.Hash
	// dir is the directory being compared, with its separator ("a/b/",
	// "REF:" for a tree a ref names, "" at the root): one buffer, extended
	// and cut back as the walk descends, so a deep tree costs its path's
	// length once, not once per level.
	dir   []byte
	depth int
}

// maxTreeDepth bounds how deeply trees nest, as git's core.maxTreeDepth
// does by default: the walk recurses, and a tree nested deeper is an
// error rather than a crash.
const maxTreeDepth = 4096

func isTree(m filemode.FileMode) bool { return m&0o170000 == 0o040000 }

// isBlob follows git's canonical-mode rule (canon_mode): any mode of the
// regular-file type (100644, 100755, and odd ones such as 100664 or 100600
// that old or foreign tools wrote) is a file, and so is a symbolic link;
// a directory type is a tree; anything else counts as a submodule.
func isBlob(m filemode.FileMode) bool {
	t := m & 0o170000
	return t == 0o100000 || t == 0o120000
}

// at sets the directory being compared to dir (a path without a trailing
// separator; "" for the root), for walks that keep their own paths.
func (d *treeDiff) at(dir string) {
	d.dir = append(d.dir[:0], dir...)
	d.depth = 0
	if dir != "" {
		d.dir = append(d.dir, '/')
		d.depth = strings.Count(dir, "/") + 1
	}
}

// path is the path of the entry name in the directory being compared.
func (d *treeDiff) path(name []byte) string {
	return string(d.dir) + string(name)
}

// descend runs walk with the directory being compared set to its
// subdirectory name, and sets it back.
func (d *treeDiff) descend(name []byte, walk func() error) error {
	if d.depth >= maxTreeDepth {
		shown := d.dir
		if len(shown) > 120 {
			shown = append(shown[:120:120], "..."...)
		}
		return fmt.Errorf("tree at %q (%d bytes of path) is nested deeper than %d levels, which git refuses too (core.maxTreeDepth)", shown, len(d.dir), maxTreeDepth)
	}
	n := len(d.dir)
	d.dir = append(append(d.dir, name...), '/')
	d.depth++
	err := walk()
	d.dir = d.dir[:n]
	d.depth--
	return err
}

// diff compares old with new (either nil when absent) in the directory
// being compared, walking both in git's order: entries with the same name
// meet, and a name that changed between file and directory is a removal
// and an addition.
func (d *treeDiff) diff(old, new *tree) error {
	if old != nil && new != nil && old.hash == new.hash {
		return nil // an empty commit, or a merge that took one side whole
	}
	or, nr := newTreeReader(old), newTreeReader(new)
	o, ook := or.next()
	n, nok := nr.next()
	for ook || nok {
		switch c := compareEntries(o, ook, n, nok); {
		case c < 0:
			if err := d.removed(o.name, o); err != nil {
				return err
			}
			o, ook = or.next()
		case c > 0:
			if err := d.entry(n.name, treeEntry{}, false, n); err != nil {
				return err
			}
			n, nok = nr.next()
		default:
			if o.hash != n.hash || o.mode != n.mode {
				if err := d.entry(n.name, o, true, n); err != nil {
					return err
				}
			}
			o, ook = or.next()
			n, nok = nr.next()
		}
	}
	if or.err != nil {
		return or.err
	}
	return nr.err
}

// entry compares the entry name of the directory being compared, now e,
// with what it was (o, if had).
func (d *treeDiff) entry(name []byte, o treeEntry, had bool, e treeEntry) error {
	if had && o.hash == e.hash && o.mode == e.mode {
		return nil
	}
	switch {
	case isTree(e.mode):
		oldTree, err := d.oldTree(name, o, had)
		if err != nil {
			return err
		}
		t, err := d.repo.readTree(e.hash)
		if err != nil {
			return err
		}
		return d.descend(name, func() error { return d.diff(oldTree, t) })
	case isBlob(e.mode):
		return d.blobChanged(name, e.hash, o, had)
	}
	return nil // submodules (gitlinks) are not content of this repository
}

// oldTree returns what a directory now at name replaces: the previous
// entry's tree, or nil (after recording a replaced file as deleted).
func (d *treeDiff) oldTree(name []byte, o treeEntry, had bool) (*tree, error) {
	switch {
	case had && isTree(o.mode):
		return d.repo.readTree(o.hash)
	case had:
		return nil, d.removed(name, o)
	}
	return nil, nil
}

// blobChanged records the blob now at name, whose previous entry (if had)
// was o: nothing when only the mode changed, a change otherwise.
func (d *treeDiff) blobChanged(name []byte, h plumbing.Hash, o treeEntry, had bool) error {
	if had && isTree(o.mode) {
		if err := d.removed(name, o); err != nil {
			return err
		}
		had = false
	}
	if had && o.hash == h {
		return nil // mode-only change
	}
	c := Change{Path: d.path(name), New: h}
	if had && isBlob(o.mode) {
		c.Old = []plumbing.Hash{o.hash}
	}
	d.changed = append(d.changed, c)
	return nil
}

// removed records the blobs under a deleted entry, name in the directory
// being compared, as rename candidates.
func (d *treeDiff) removed(name []byte, o treeEntry) error {
	switch {
	case isBlob(o.mode):
		d.deleted = append(d.deleted, o.hash)
	case isTree(o.mode):
		t, err := d.repo.readTree(o.hash)
		if err != nil {
			return err
		}
		return d.descend(name, func() error { return d.diff(t, nil) })
	}
	return nil
}

// finish turns the diff into changes: an added path whose blob was deleted
// elsewhere in the same change is a pure rename and introduces nothing;
// other added paths are compared with every deleted blob.
func (d *treeDiff) finish() []Change {
	if len(d.deleted) == 0 {
		return d.changed
	}
	deleted := make(map[plumbing.Hash]bool, len(d.deleted))
	for _, h := range d.deleted {
		deleted[h] = true
	}
	out := d.changed[:0]
	for _, c := range d.changed {
		if len(c.Old) == 0 {
			if deleted[c.New] {
				continue
			}
			c.Old = d.deleted
		}
		out = append(out, c)
	}
	return out
}

// commitChanges lists what commit c introduces relative to its parents,
// whose trees treeOf finds. For a merge, a path counts only when its blob
// differs from every parent's.
func (r *Repo) commitChanges(c *commit, treeOf func(commit plumbing.Hash) (plumbing.Hash, error), meta *finding.Commit) ([]Change, error) {
	t, err := r.readTree(c.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
	}
	var parents []*tree
	for _, ph := range r.parents(c) {
		th, err := treeOf(ph)
		if err != nil {
			return nil, fmt.Errorf("parent %s of %s: %w", ph, c.Hash, err)
		}
		pt, err := r.readTree(th)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", ph, err)
		}
		parents = append(parents, pt)
	}
	d := &treeDiff{repo: r}
	var first *tree
	if len(parents) > 0 {
		first = parents[0]
	}
	if err := d.diff(first, t); err != nil {
		return nil, err
	}
	metaChange := commitMetaChange(c, d.changed, meta)
	changes := d.finish()
	if len(parents) > 1 {
		if changes, err = r.mergeChanges(changes, parents[1:]); err != nil {
			return nil, fmt.Errorf("merge %s: %w", c.Hash, err)
		}
	}
	for i := range changes {
		changes[i].Commit = meta
	}
	return append(changes, metaChange), nil
}

// mergeChanges keeps the changes whose blob matches no other parent, and adds
// the other parents' blobs at that path to what is not new.
func (r *Repo) mergeChanges(changes []Change, others []*tree) ([]Change, error) {
	out := changes[:0]
next:
	for _, c := range changes {
		for _, p := range others {
			e, ok, err := r.findEntry(p, c.Path)
			if err != nil {
				return nil, err
			}
			if !ok || !isBlob(e.mode) {
				continue
			}
			if e.hash == c.New {
				continue next
			}
			c.Old = append(append([]plumbing.Hash(nil), c.Old...), e.hash)
		}
		out = append(out, c)
	}
	return out, nil
}
