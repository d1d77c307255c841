package git

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

const gitlinkMode = 0o160000

// IndexPath is the index git would use: GIT_INDEX_FILE (as git sets it for
// hooks during `git commit -a` and `git commit PATHS`) or GITDIR/index.
func (r *Repo) IndexPath(getenv func(string) string) string {
	if p := getenv("GIT_INDEX_FILE"); p != "" {
		if !filepath.IsAbs(p) {
			if abs, err := filepath.Abs(p); err == nil {
				return abs
			}
		}
		return p
	}
	return filepath.Join(r.GitDir, "index")
}

// StagedChanges lists what the index at indexPath introduces relative to
// HEAD: blobs whose index entry differs from HEAD. Directories whose
// cache-tree entry equals HEAD's subtree are skipped without reading them,
// so the cost follows the size of the change, not of the repository.
// Unmerged (stage 1-3), intent-to-add and submodule entries are skipped.
func (r *Repo) StagedChanges(indexPath string) ([]Change, error) {
	idx, release, err := ReadIndex(indexPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		idx, release = &Index{}, func() {} // nothing was ever staged
	case errors.Is(err, errGitLayout):
		entries, gitErr := r.gitIndexEntries(indexPath)
		if gitErr != nil {
			return nil, fmt.Errorf("%w; asking git for its entries failed too: %v", err, gitErr)
		}
		idx, release = &Index{Entries: entries}, func() {}
	case err != nil:
		return nil, err
	}
	defer release()
	head, err := r.headTree()
	if err != nil {
		return nil, err
	}
	entries := idx.Entries[:0] // filtered in place: no second copy of a large index
	for _, e := range idx.Entries {
		if e.Stage == 0 && !e.IntentToAdd && e.Mode&0o170000 != gitlinkMode {
			entries = append(entries, e)
		}
	}
	s := &stagedDiff{treeDiff: treeDiff{repo: r}, cache: idx.Tree.Valid}
	if err := s.dir("", head, entries); err != nil {
		return nil, err
	}
	// the names of added files are content of the commit too
	names, ok := pathsChange(s.changed)
	changes := s.finish()
	if ok {
		changes = append(changes, names)
	}
	return changes, nil
}

type stagedDiff struct {
	treeDiff
	cache map[string]plumbing.Hash
}

// dir compares the index entries below prefix with HEAD's tree there.
func (s *stagedDiff) dir(prefix string, head *tree, entries []IndexEntry) error {
	if head != nil {
		if h, ok := s.cache[prefix]; ok && h == head.hash {
			return nil // this directory is staged exactly as HEAD has it
		}
	}
	headByName := map[string]treeEntry{}
	rd := newTreeReader(head)
	for e, ok := rd.next(); ok; e, ok = rd.next() {
		headByName[string(e.name)] = e
	}
	if rd.err != nil {
		return rd.err
	}
	base := len(prefix)
	if prefix != "" {
		base++
	}
	for i := 0; i < len(entries); {
		rest := entries[i].Path[base:]
		name, _, isDir := strings.Cut(rest, "/")
		h, had := headByName[name]
		delete(headByName, name)
		if !isDir {
			s.at(prefix)
			if err := s.blobChanged([]byte(name), entries[i].Hash, h, had); err != nil {
				return err
			}
			i++
			continue
		}
		sub := name
		if prefix != "" {
			sub = prefix + "/" + name
		}
		// entries below sub are contiguous: they sort between "sub/" and "sub0"
		end := i + sort.Search(len(entries)-i, func(j int) bool { return entries[i+j].Path >= sub+"0" })
		if cached, ok := s.cache[sub]; ok && had && isTree(h.mode) && cached == h.hash {
			i = end // staged exactly as HEAD has it: not even read
			continue
		}
		s.at(prefix)
		subHead, err := s.oldTree([]byte(name), h, had)
		if err != nil {
			return err
		}
		if err := s.dir(sub, subHead, entries[i:end]); err != nil {
			return err
		}
		i = end
	}
	s.at(prefix)
	for name, h := range headByName {
		if err := s.removed([]byte(name), h); err != nil {
			return err
		}
	}
	return nil
}

// gitIndexEntries asks git for the entries of the index at indexPath, with
// sparse directories expanded: for index layouts this package does not
// decode. Without a cache tree, every directory is compared with HEAD.
func (r *Repo) gitIndexEntries(indexPath string) ([]IndexEntry, error) {
	cmd := exec.Command("git", "ls-files", "--stage", "-z", "--full-name")
	cmd.Env = append(os.Environ(), "GIT_DIR="+r.GitDir, "GIT_INDEX_FILE="+indexPath)
	cmd.Dir = r.GitDir
	if r.WorkTree != "" {
		cmd.Env = append(cmd.Env, "GIT_WORK_TREE="+r.WorkTree)
		cmd.Dir = r.WorkTree
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var entries []IndexEntry
	for _, rec := range strings.Split(string(out), "\x00") {
		if rec == "" {
			continue
		}
		meta, path, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return nil, fmt.Errorf("git ls-files: unexpected line %q", meta)
		}
		mode, err1 := strconv.ParseUint(f[0], 8, 32)
		stage, err2 := strconv.ParseUint(f[2], 10, 8)
		raw, err3 := hex.DecodeString(f[1])
		if err1 != nil || err2 != nil || err3 != nil || len(raw) != len(plumbing.ZeroHash) {
			return nil, fmt.Errorf("git ls-files: unexpected line %q", meta)
		}
		e := IndexEntry{Path: path, Mode: uint32(mode), Stage: uint8(stage)}
		copy(e.Hash[:], raw)
		entries = append(entries, e)
	}
	return entries, nil
}
