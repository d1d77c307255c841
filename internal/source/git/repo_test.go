package git

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func commitFile(t *testing.T, dir, name, text, msg string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	gitCmd(t, dir, "add", name)
	gitCmd(t, dir, "commit", "-q", "-m", msg)
}

// Revisions mean what they mean to git: git resolves them.
func TestResolveRevision(t *testing.T) {
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "main")
	commitFile(t, dir, "a.txt", "one\n", "first")
	first := gitCmd(t, dir, "rev-parse", "HEAD")
	commitFile(t, dir, "a.txt", "two\n", "second")
	second := gitCmd(t, dir, "rev-parse", "HEAD")
	gitCmd(t, dir, "tag", "-a", "-m", "v1", "v1", first)
	gitCmd(t, dir, "branch", "side", first)
	r, err := Open(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	for rev, want := range map[string]string{
		"HEAD": second, "main": second, "HEAD~1": first, "side": first, "refs/heads/side": first,
		first[:10]: first, ":/first": first, "v1^{commit}": first, "main@{0}": second,
	} {
		h, err := r.repo.ResolveRevision(rev)
		if err != nil || h.String() != want {
			t.Errorf("%s: %s (%v), want %s", rev, h, err, want)
		}
	}
	tag, err := r.repo.ResolveRevision("v1")
	if err != nil || tag.String() == first {
		t.Errorf("an annotated tag names the tag object: %s (%v)", tag, err)
	}
	for _, rev := range []string{"", "nope", "HEAD~5", "-h", "--all", "main..side", strings.Repeat("0", 40)} {
		if h, err := r.repo.ResolveRevision(rev); err == nil {
			t.Errorf("%q resolved to %s", rev, h)
		}
	}
}

// The revisions CI passes (full ids, HEAD, full ref names) are read without
// git; when git is needed and cannot answer, its failure is the error, not
// "unknown revision".
func TestResolveRevisionWithoutGit(t *testing.T) {
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "main")
	commitFile(t, dir, "a.txt", "one\n", "first")
	head := gitCmd(t, dir, "rev-parse", "HEAD")
	gitCmd(t, dir, "pack-refs", "--all")
	r, err := Open(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", "")
	for _, rev := range []string{head, "HEAD", "refs/heads/main"} {
		if h, err := r.repo.ResolveRevision(rev); err != nil || h.String() != head {
			t.Errorf("%s without git: %s (%v)", rev, h, err)
		}
	}
	if _, err := r.repo.ResolveRevision(strings.Repeat("1", 40)); !errors.Is(err, errNoSuchRevision) {
		t.Errorf("a missing object id: %v", err)
	}
	_, err = r.repo.ResolveRevision("main")
	if err == nil || errors.Is(err, errNoSuchRevision) || !strings.Contains(err.Error(), "git rev-parse") {
		t.Errorf("a short name without git: %v", err)
	}
	if _, _, _, _, err := r.resolveRevs(RevSpec{Include: []string{"main"}}); err == nil || strings.Contains(err.Error(), "unknown revision") {
		t.Errorf("resolveRevs without git: %v", err)
	}
}

// What go-git's Open refuses stays refused: an unknown format version or
// extension would make what is read wrong.
func TestCheckFormat(t *testing.T) {
	for _, tc := range []struct {
		config []string // git config KEY VALUE pairs
		err    string
	}{
		{nil, ""},
		{[]string{"extensions.worktreeConfig", "true"}, ""},
		{[]string{"extensions.preciousObjects", "true"}, ""},
		{[]string{"extensions.noop", "true"}, ""},
		{[]string{"core.repositoryformatversion", "1", "extensions.noop-v1", "true"}, ""},
		{[]string{"extensions.noop-v1", "true"}, "does not support extension"},
		{[]string{"core.repositoryformatversion", "1", "extensions.refStorage", "reftable"}, "unknown extension: refstorage"},
		{[]string{"core.repositoryformatversion", "2"}, "repositoryformatversion not supported"},
	} {
		dir := t.TempDir()
		gitCmd(t, dir, "init", "-q", "-b", "main")
		commitFile(t, dir, "a.txt", "one\n", "first")
		for i := 0; i+1 < len(tc.config); i += 2 {
			gitCmd(t, dir, "config", tc.config[i], tc.config[i+1])
		}
		_, err := Open(dir, func(string) string { return "" })
		if (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%v: %v, want %q", tc.config, err, tc.err)
		}
	}
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "main")
	if err := os.Remove(filepath.Join(dir, ".git", "HEAD")); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, func(string) string { return "" }); err == nil {
		t.Error("a git directory without HEAD opened")
	}
}

// A partial clone is told by a promisor remote or by the older
// extensions.partialClone alone; the extension does not stop the scan.
func TestIsPartial(t *testing.T) {
	for _, tc := range []struct {
		name    string
		config  [][2]string
		partial bool
	}{
		{"a full clone", nil, false},
		{"a promisor remote", [][2]string{{"remote.origin.url", "https://example.com/r.git"}, {"remote.origin.promisor", "true"}}, true},
		{"extensions.partialClone", [][2]string{{"core.repositoryformatversion", "1"}, {"extensions.partialClone", "origin"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := makeRepo(t, "")
			for _, kv := range tc.config {
				gitCmd(t, dir, "config", kv[0], kv[1])
			}
			r, err := Open(dir, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			if r.IsPartial() != tc.partial {
				t.Fatalf("IsPartial() = %v", !tc.partial)
			}
		})
	}
}
