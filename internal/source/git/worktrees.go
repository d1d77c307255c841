package git

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
)

// worktreeRef is a commit a worktree's own HEAD or per-worktree ref
// (refs/bisect/..., refs/worktree/...) points to, named as git names it
// from another worktree ("main-worktree/HEAD", "worktrees/ID/HEAD").
type worktreeRef struct {
	name string
	hash plumbing.Hash
}

// worktreeRefs returns what the HEADs and per-worktree refs of every
// worktree of r point to, detached ones included, as git's --all counts
// them: a commit made on a detached HEAD in another worktree is in no
// branch, yet it is the repository's to push. Symbolic HEADs name
// branches, which are listed with the refs.
func (r *Repo) worktreeRefs() ([]worktreeRef, error) {
	var out []worktreeRef
	add := func(name, file string) error {
		data, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		data = bytes.TrimSpace(data)
		if bytes.HasPrefix(data, []byte("ref:")) {
			return nil
		}
		var h plumbing.Hash
		if n, err := hex.Decode(h[:], data); err != nil || n != len(h) || len(data) != 2*len(h) {
			return fmt.Errorf("%s: %q is neither an object id nor a symbolic ref", name, data)
		}
		out = append(out, worktreeRef{name: name, hash: h})
		return nil
	}
	// the main worktree's own refs are in the common directory's refs/,
	// listed with the others; a linked worktree keeps its own
	if err := add("main-worktree/HEAD", filepath.Join(r.CommonDir, "HEAD")); err != nil {
		return nil, err
	}
	perWorktree := func(prefix, dir string) error {
		if err := add(prefix+"HEAD", filepath.Join(dir, "HEAD")); err != nil {
			return err
		}
		refs := filepath.Join(dir, "refs")
		return filepath.WalkDir(refs, func(p string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			return add(prefix+filepath.ToSlash(rel), p)
		})
	}
	linked, err := os.ReadDir(filepath.Join(r.CommonDir, "worktrees"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("listing worktrees: %w", err)
	}
	for _, w := range linked {
		if w.IsDir() {
			if err := perWorktree("worktrees/"+w.Name()+"/", filepath.Join(r.CommonDir, "worktrees", w.Name())); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
