package git

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

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
}

// treeDiff collects the blobs that differ between two trees, reading only
// the subtrees whose ids differ.
type treeDiff struct {
	repo    *Repo
	changed []Change
	deleted []plumbing.Hash
}

func (d *treeDiff) tree(h plumbing.Hash) (*object.Tree, error) {
	t, err := d.repo.repo.TreeObject(h)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	return t, nil
}

func isTree(m filemode.FileMode) bool { return m == filemode.Dir }

func isBlob(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Symlink || m == filemode.Deprecated
}

// diff compares old (nil when absent) with new below prefix.
func (d *treeDiff) diff(prefix string, old, new *object.Tree) error {
	oldByName := map[string]object.TreeEntry{}
	if old != nil {
		for _, e := range old.Entries {
			oldByName[e.Name] = e
		}
	}
	if new != nil {
		for _, e := range new.Entries {
			o, had := oldByName[e.Name]
			delete(oldByName, e.Name)
			if err := d.entry(join(prefix, e.Name), o, had, e); err != nil {
				return err
			}
		}
	}
	for _, o := range oldByName {
		if err := d.removed(join(prefix, o.Name), o); err != nil {
			return err
		}
	}
	return nil
}

func (d *treeDiff) entry(path string, o object.TreeEntry, had bool, e object.TreeEntry) error {
	if had && o.Hash == e.Hash && o.Mode == e.Mode {
		return nil
	}
	switch {
	case isTree(e.Mode):
		oldTree, err := d.oldTree(path, o, had)
		if err != nil {
			return err
		}
		t, err := d.tree(e.Hash)
		if err != nil {
			return err
		}
		return d.diff(path, oldTree, t)
	case isBlob(e.Mode):
		return d.blobChanged(path, e.Hash, o, had)
	}
	return nil // submodules (gitlinks) are not content of this repository
}

// oldTree returns what a directory now at path replaces: the previous
// entry's tree, or nil (after recording a replaced file as deleted).
func (d *treeDiff) oldTree(path string, o object.TreeEntry, had bool) (*object.Tree, error) {
	switch {
	case had && isTree(o.Mode):
		return d.tree(o.Hash)
	case had:
		return nil, d.removed(path, o)
	}
	return nil, nil
}

// blobChanged records the blob now at path, whose previous entry (if had)
// was o: nothing when only the mode changed, a change otherwise.
func (d *treeDiff) blobChanged(path string, h plumbing.Hash, o object.TreeEntry, had bool) error {
	if had && isTree(o.Mode) {
		if err := d.removed(path, o); err != nil {
			return err
		}
		had = false
	}
	if had && o.Hash == h {
		return nil // mode-only change
	}
	c := Change{Path: path, New: h}
	if had && isBlob(o.Mode) {
		c.Old = []plumbing.Hash{o.Hash}
	}
	d.changed = append(d.changed, c)
	return nil
}

// removed records the blobs under a deleted entry as rename candidates.
func (d *treeDiff) removed(path string, o object.TreeEntry) error {
	switch {
	case isBlob(o.Mode):
		d.deleted = append(d.deleted, o.Hash)
	case isTree(o.Mode):
		t, err := d.tree(o.Hash)
		if err != nil {
			return err
		}
		return d.diff(path, t, nil)
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

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "/" + name
}

// commitChanges lists what commit c introduces relative to its parents. For
// a merge, a path counts only when its blob differs from every parent's.
func (r *Repo) commitChanges(c *object.Commit, meta *finding.Commit) ([]Change, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
	}
	var parents []*object.Tree
	for _, ph := range r.parents(c) {
		p, err := r.repo.CommitObject(ph)
		if err != nil {
			return nil, fmt.Errorf("parent %s of %s: %w", ph, c.Hash, err)
		}
		pt, err := p.Tree()
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", ph, err)
		}
		parents = append(parents, pt)
	}
	d := &treeDiff{repo: r}
	var first *object.Tree
	if len(parents) > 0 {
		first = parents[0]
	}
	if err := d.diff("", first, tree); err != nil {
		return nil, err
	}
	changes := d.finish()
	if len(parents) > 1 {
		changes = r.mergeChanges(changes, parents[1:])
	}
	for i := range changes {
		changes[i].Commit = meta
	}
	return changes, nil
}

// mergeChanges keeps the changes whose blob matches no other parent, and adds
// the other parents' blobs at that path to what is not new.
func (r *Repo) mergeChanges(changes []Change, others []*object.Tree) []Change {
	out := changes[:0]
next:
	for _, c := range changes {
		for _, p := range others {
			e, err := p.FindEntry(c.Path)
			if err != nil || !isBlob(e.Mode) {
				continue
			}
			if e.Hash == c.New {
				continue next
			}
			c.Old = append(append([]plumbing.Hash(nil), c.Old...), e.Hash)
		}
		out = append(out, c)
	}
	return out
}
