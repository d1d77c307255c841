package git

import (
	"context"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// A commit whose parent the walk never reaches (it is neither walked nor
// excluded) is still diffed when the walk ends, its parent's tree read
// then: no commit is dropped because it waited.
func TestDiffWalkDiffsWhatStillWaits(t *testing.T) {
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "main")
	commitFile(t, dir, "a.txt", "one\n", "first")
	commitFile(t, dir, "a.txt", "two\n", "second")
	first := plumbing.NewHash(gitCmd(t, dir, "rev-parse", "HEAD~1"))
	second := plumbing.NewHash(gitCmd(t, dir, "rev-parse", "HEAD"))
	r, err := Open(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	h := &History{
		excluded: map[plumbing.Hash]bool{},
		// a walk that stops before the parent
		walk: func(repo *Repo, emit func(*commit, bool) bool) error {
			c, err := repo.readCommit(second)
			if err != nil {
				return err
			}
			emit(c, true)
			return nil
		},
	}
	trees := map[plumbing.Hash]plumbing.Hash{}
	var diffed []plumbing.Hash
	var stats Stats
	err = r.diffWalk(context.Background(), h, trees, func(c *commit) error {
		if len(c.ParentHashes) != 1 || c.ParentHashes[0] != first {
			t.Errorf("commit %s with parents %v", c.Hash, c.ParentHashes)
		}
		diffed = append(diffed, c.Hash)
		return nil
	}, &stats)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffed) != 1 || diffed[0] != second || stats.TotalCommits.Load() != 1 || !stats.WalkDone.Load() {
		t.Errorf("diffed %v, stats %d commits (done %v)", diffed, stats.TotalCommits.Load(), stats.WalkDone.Load())
	}
}
