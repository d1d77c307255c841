package git

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// The lazy index agrees with git: every object's offset and CRC as
// `git verify-pack -v` prints them, and the reverse lookup.
func TestPackIndexMatchesGit(t *testing.T) {
	dir := makeRepo(t, "")
	for i := 0; i < 5; i++ {
		os.WriteFile(filepath.Join(dir, "d/e/c.txt"), []byte(strings.Repeat("line\n", 50+i)), 0o644)
		gitCmd(t, dir, "commit", "-q", "-am", "edit "+strconv.Itoa(i))
	}
	gitCmd(t, dir, "repack", "-adq")
	idxFiles, _ := filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.idx"))
	if len(idxFiles) != 1 {
		t.Fatalf("%d pack indexes", len(idxFiles))
	}
	data, err := os.ReadFile(idxFiles[0])
	if err != nil {
		t.Fatal(err)
	}
	p, err := parsePackIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(gitCmd(t, dir, "verify-pack", "-v", idxFiles[0]), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || len(f[0]) != 40 {
			continue
		}
		h := plumbing.NewHash(f[0])
		want, _ := strconv.ParseInt(f[4], 10, 64)
		got, err := p.FindOffset(h)
		if err != nil || got != want {
			t.Fatalf("%s: offset %d, %v; git says %d", f[0], got, err, want)
		}
		back, err := p.FindHash(got)
		if err != nil || back != h {
			t.Fatalf("FindHash(%d) = %s, %v", got, back, err)
		}
		n++
	}
	if c, _ := p.Count(); int(c) != n || n < 10 {
		t.Fatalf("count %d, git listed %d", c, n)
	}
	if ok, _ := p.Contains(plumbing.NewHash(strings.Repeat("ab", 20))); ok {
		t.Fatal("contains an object that is not there")
	}
	if _, err := parsePackIndex(data[:100]); err == nil {
		t.Fatal("truncated index accepted")
	}
}
