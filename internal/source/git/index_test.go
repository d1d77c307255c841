package git

import (
	"bytes"
	"crypto/sha1"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// gitCmd runs git in dir and returns its output, trimmed.
func gitCmd(t testing.TB, dir string, args ...string) string {
	t.Helper()
	return strings.TrimSpace(string(gitOut(t, dir, nil, args...)))
}

// gitOut runs git in dir, isolated from the machine's configuration, and
// returns its standard output unmodified.
func gitOut(t testing.TB, dir string, stdin io.Reader, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@x", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@x")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v\n%s%s", args, err, out, stderr.Bytes())
	}
	return out
}

// makeRepo builds a repository with nested directories, an executable
// file and a symbolic link, and returns its path (removed with t's
// temporary directories).
func makeRepo(t testing.TB, version string) string {
	t.Helper()
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q")
	for _, p := range []string{"a.txt", "d/b.txt", "d/e/c.txt", "d/e/f/g.txt", "z-dir/h.txt", "d-x.txt", "run.sh"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(p+"\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	gitCmd(t, dir, "add", ".")
	gitCmd(t, dir, "commit", "-q", "-m", "x")
	if version != "" {
		gitCmd(t, dir, "update-index", "--index-version", version)
	}
	return dir
}

func TestParseIndexMatchesGit(t *testing.T) {
	for _, v := range []string{"2", "3", "4"} {
		t.Run("v"+v, func(t *testing.T) {
			dir := makeRepo(t, v)
			idx, release, err := ReadIndex(filepath.Join(dir, ".git", "index"))
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			want := strings.Fields(gitCmd(t, dir, "ls-files", "-s"))
			var got []string
			for _, e := range idx.Entries {
				got = append(got, strconv.FormatUint(uint64(e.Mode), 8), e.Hash.String(), strconv.Itoa(int(e.Stage)), e.Path)
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("entries:\n got %v\nwant %v", got, want)
			}
			// after a commit the cache tree is valid and equals HEAD's trees
			for _, d := range []string{"", "d", "d/e", "d/e/f", "z-dir"} {
				rev := "HEAD^{tree}"
				if d != "" {
					rev = "HEAD:" + d
				}
				if h := gitCmd(t, dir, "rev-parse", rev); idx.Tree.Valid[d].String() != h {
					t.Errorf("cache tree %q = %s, want %s", d, idx.Tree.Valid[d], h)
				}
			}
		})
	}
}

func TestCacheTreeInvalidation(t *testing.T) {
	dir := makeRepo(t, "")
	os.WriteFile(filepath.Join(dir, "d/e/c.txt"), []byte("changed\n"), 0o644)
	gitCmd(t, dir, "add", "d/e/c.txt")
	idx, release, err := ReadIndex(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for _, d := range []string{"", "d", "d/e"} {
		if _, ok := idx.Tree.Valid[d]; ok {
			t.Errorf("%q should be invalidated", d)
		}
	}
	for _, d := range []string{"d/e/f", "z-dir"} {
		if _, ok := idx.Tree.Valid[d]; !ok {
			t.Errorf("%q should stay valid", d)
		}
	}
}

func TestParseIndexRejectsCorruption(t *testing.T) {
	dir := makeRepo(t, "")
	data, _ := os.ReadFile(filepath.Join(dir, ".git", "index"))
	// damage that leaves the index readable is read, as git reads it
	// (git checks the checksum only in fsck): a flipped timestamp byte
	bad := append([]byte(nil), data...)
	bad[20] ^= 0xff
	if _, err := ParseIndex(bad); err != nil {
		t.Fatalf("index with a damaged timestamp: %v", err)
	}
	// damage that breaks the layout fails, and the checksum says it is
	// damage (not a layout to leave to git): an entry count (bytes 8-11)
	// the file cannot hold
	bad = append([]byte(nil), data...)
	copy(bad[8:12], []byte{0xff, 0xff, 0xff, 0xff})
	if _, err := ParseIndex(bad); err == nil || !strings.Contains(err.Error(), "checksum") || errors.Is(err, errGitLayout) {
		t.Fatalf("corrupt index: %v", err)
	}
	if _, err := ParseIndex(data[:10]); err == nil {
		t.Fatal("truncated index accepted")
	}
	if _, err := ParseIndex(append([]byte("XXXX"), data[4:]...)); err == nil {
		t.Fatal("bad signature accepted")
	}
}

// index.skipHash (git 2.40 and later, set by feature.manyFiles) writes an
// all-zero trailer instead of the checksum; git reads such an index, and
// so must the hook.
func TestIndexWithoutChecksum(t *testing.T) {
	dir := makeRepo(t, "")
	data, _ := os.ReadFile(filepath.Join(dir, ".git", "index"))
	want, err := ParseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	zeroed := append(append([]byte(nil), data[:len(data)-20]...), make([]byte, 20)...)
	got, err := ParseIndex(zeroed)
	if err != nil || len(got.Entries) != len(want.Entries) || len(got.Entries) == 0 {
		t.Fatalf("zero trailer: %v", err)
	}
	// a zero trailer does not excuse damage elsewhere: the entries must
	// still parse
	zeroed[11] ^= 0x40 // the entry count
	if _, err := ParseIndex(zeroed); err == nil {
		t.Fatal("a damaged index with a zero trailer was accepted")
	}
}

func FuzzParseIndex(f *testing.F) {
	for _, v := range []string{"2", "4"} {
		dir := makeRepo(f, v)
		if data, err := os.ReadFile(filepath.Join(dir, ".git", "index")); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := ParseIndex(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, e := range idx.Entries {
			if e.Path == "" {
				t.Fatal("empty path accepted")
			}
		}
	})
}

func FuzzParseIndexBody(f *testing.F) {
	// This target fixes the checksum up, so that a body that does not
	// parse is classified as git's layout or a parse error, never as
	// damage the checksum caught.
	dir := makeRepo(f, "")
	data, _ := os.ReadFile(filepath.Join(dir, ".git", "index"))
	f.Add(data[:len(data)-hashSize])
	f.Fuzz(func(t *testing.T, body []byte) {
		ParseIndex(withChecksum(body))
	})
}

// withChecksum appends the SHA-1 trailer git writes after an index body.
func withChecksum(body []byte) []byte {
	sum := sha1.Sum(body)
	return append(append([]byte(nil), body...), sum[:]...)
}
