package git

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// Commit diffs agree with `git diff-tree -r --no-renames` on names that
// sort differently as files and directories, entries that change between
// file and directory, deletions, mode-only changes, symlinks and pure
// renames, read from loose objects and from a pack.
func TestCommitChangesMatchGit(t *testing.T) {
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q")
	write := func(p, content string) {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	remove := func(p string) { os.RemoveAll(filepath.Join(dir, p)) }
	commit := func(msg string) {
		gitCmd(t, dir, "add", "-A")
		gitCmd(t, dir, "commit", "-q", "--allow-empty", "-m", msg)
	}
	for _, p := range []string{"a", "a.b", "a-b/x", "a0", "b/c/d", "sp ace.txt", "ü.txt", "x", "z"} {
		write(p, p+" v1\n")
	}
	commit("first")
	remove("a")
	write("a/inner", "now a directory\n")
	write("a.b", "a.b v2\n")
	remove("b/c/d")
	write("b/c/e", "e\n")
	commit("file to directory")
	remove("a")
	write("a", "a file again\n")
	gitCmd(t, dir, "mv", "x", "a-b/x2")
	os.Chmod(filepath.Join(dir, "sp ace.txt"), 0o755)
	commit("directory to file, rename, mode")
	os.Symlink("a.b", filepath.Join(dir, "link"))
	remove("z")
	write("z/z", "z v1\n") // same content as the deleted file: a move
	commit("symlink, move into a new directory")
	remove("link")
	write("link", "a file where a symlink was\n")
	commit("symlink to file")

	for _, mode := range []string{"loose", "packed", "packed, read by go-git"} {
		packed := mode != "loose"
		if mode == "packed" {
			gitCmd(t, dir, "repack", "-adfq")
		}
		if mode == "packed, read by go-git" {
			mapPackFile = func(string) ([]byte, func(), bool, error) { return nil, nil, false, nil }
			defer func() { mapPackFile = mapPack }()
		}
		r, err := Open(dir, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		treeOf := func(h plumbing.Hash) (plumbing.Hash, error) {
			c, err := r.readCommit(h)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			return c.TreeHash, nil
		}
		compared := 0
		for _, rev := range strings.Fields(gitCmd(t, dir, "rev-list", "HEAD")) {
			c, err := r.readCommit(plumbing.NewHash(rev))
			if err != nil {
				t.Fatal(err)
			}
			changes, err := r.commitChanges(c, treeOf, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ch := range changes {
				if ch.Meta != nil {
					continue // the commit's own text, not a blob git lists
				}
				got = append(got, describeChange(ch.Path, ch.New.String(), hashStrings(ch.Old)))
			}
			want := expectedChanges(t, gitCmd(t, dir, "diff-tree", "-r", "--no-renames", "--root", "--no-commit-id", rev))
			sort.Strings(got)
			compared += len(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s, commit %q:\n got %s\nwant %s", mode, c.Message, got, want)
			}
		}
		if _, pos := r.objects.set.find(plumbing.NewHash(gitCmd(t, dir, "rev-parse", "HEAD"))); (pos >= 0) != packed {
			t.Fatalf("%s: objects packed = %v", mode, pos >= 0)
		}
		if compared < 15 {
			t.Fatalf("only %d changes compared", compared)
		}
	}
}

func hashStrings(hs []plumbing.Hash) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.String())
	}
	return out
}

func describeChange(path, new string, old []string) string {
	sort.Strings(old)
	return path + " " + new + " [" + strings.Join(old, " ") + "]"
}

// expectedChanges turns diff-tree's raw output into what a commit
// introduces: added and modified blobs (not mode-only changes, not
// submodules), an addition of a deleted blob being a rename that
// introduces nothing, other additions compared with every deleted blob.
func expectedChanges(t *testing.T, raw string) []string {
	type line struct{ oldMode, newMode, oldID, newID, status, path string }
	var lines []line
	deleted := map[string]bool{}
	var deletedIDs []string
	for _, l := range strings.Split(raw, "\n") {
		meta, path, ok := strings.Cut(l, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 5 {
			continue
		}
		ln := line{strings.TrimPrefix(f[0], ":"), f[1], f[2], f[3], f[4], path}
		if strings.HasPrefix(ln.path, `"`) {
			// git's C quoting (octal escapes) is also Go's
			unq, err := strconv.Unquote(ln.path)
			if err != nil {
				t.Fatalf("diff-tree path %s: %v", ln.path, err)
			}
			ln.path = unq
		}
		lines = append(lines, ln)
		if ln.status == "D" || (ln.status == "T" && !isBlobMode(ln.newMode)) {
			deleted[ln.oldID] = true
			deletedIDs = append(deletedIDs, ln.oldID)
		}
	}
	var out []string
	for _, ln := range lines {
		if !isBlobMode(ln.newMode) || ln.status == "D" {
			continue
		}
		switch {
		case ln.status == "A" && deleted[ln.newID]:
		case ln.status == "A":
			out = append(out, describeChange(ln.path, ln.newID, append([]string(nil), deletedIDs...)))
		case ln.oldID == ln.newID:
		default:
			out = append(out, describeChange(ln.path, ln.newID, []string{ln.oldID}))
		}
	}
	sort.Strings(out)
	return out
}

func isBlobMode(m string) bool {
	return m == "100644" || m == "100755" || m == "120000" || m == "100664"
}
