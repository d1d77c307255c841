package git

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func writeAlternates(t *testing.T, objects string, lines ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(objects, "info"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(objects, "info", "alternates"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Alternates are read as git reads them: comments and blank lines skipped,
// quoted and relative paths, nested lists, each directory once (a cycle
// ends), a missing directory skipped, the environment's list after the
// file's.
func TestObjectDirs(t *testing.T) {
	root := t.TempDir()
	dir := func(name string) string {
		d := filepath.Join(root, name, "objects")
		os.MkdirAll(d, 0o755)
		return d
	}
	own, a, b, c, env := dir("own"), dir("a"), dir("b with space"), dir("c"), dir("env")
	writeAlternates(t, own, "# borrowed", "", "../../a/objects", `"`+b+`"`, filepath.Join(root, "missing", "objects"))
	writeAlternates(t, a, c, own) // nested, and a cycle back
	writeAlternates(t, c, a)
	got, err := objectDirs(own, func(k string) string {
		if k == "GIT_ALTERNATE_OBJECT_DIRECTORIES" {
			return env
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{own, a, c, b, env}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func looseBytes(header string, content []byte) []byte {
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write([]byte(header))
	zw.Write(content)
	zw.Close()
	return b.Bytes()
}

// A loose object in an alternate reads whole; one shorter than its header
// says is an error.
func TestLooseObject(t *testing.T) {
	objects := t.TempDir()
	h := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
	path := filepath.Join(objects, "01", "23456789abcdef0123456789abcdef01234567")
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(path, looseBytes("blob 11\x00", []byte("hello world")), 0o644)
	obj, ok, err := looseObject(objects, h)
	if err != nil || !ok || obj.typ != plumbing.BlobObject || obj.size != 11 {
		t.Fatalf("%v %v %+v", ok, err, obj)
	}
	got, err := readAll(obj)
	if err != nil || string(got) != "hello world" {
		t.Fatalf("%q %v", got, err)
	}
	// damage is an error when the object is found (small ones are read
	// whole then) or when it is read
	damaged := map[string][]byte{
		"short":           looseBytes("blob 20\x00", []byte("hello world")),
		"long":            looseBytes("blob 5\x00", []byte("hello world")),
		"large and short": looseBytes(fmt.Sprintf("blob %d\x00", looseWholeMax+10), make([]byte, looseWholeMax+5)),
		"no header end":   looseBytes(strings.Repeat("blob 1", 10), nil),
	}
	for name, data := range damaged {
		os.WriteFile(path, data, 0o644)
		obj, ok, err := looseObject(objects, h)
		if err == nil && ok {
			_, err = readAll(obj)
		}
		if err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
	// content over looseWholeMax streams when read, whether its file is
	// small (compressible) or not
	big := make([]byte, looseWholeMax+3)
	rand.NewChaCha8([32]byte{1}).Read(big[:looseWholeMax/2])
	for _, content := range [][]byte{big, bytes.Repeat([]byte{'a'}, looseWholeMax+1)} {
		os.WriteFile(path, looseBytes(fmt.Sprintf("blob %d\x00", len(content)), content), 0o644)
		obj, ok, err := looseObject(objects, h)
		if err != nil || !ok || obj.size != int64(len(content)) {
			t.Fatalf("large: %v %v", ok, err)
		}
		if got, err := readAll(obj); err != nil || !bytes.Equal(got, content) {
			t.Fatalf("large: %d bytes, %v", len(got), err)
		}
	}
	if _, ok, err := looseObject(objects, plumbing.ZeroHash); ok || err != nil {
		t.Fatalf("absent object: %v %v", ok, err)
	}
}

// The loose header parser never panics and accepts only "TYPE SIZE\0";
// reading a small object whole agrees with streaming it: same type, size
// and content, and it accepts only streams that end where the header says.
func FuzzLooseHeader(f *testing.F) {
	f.Add(looseBytes("blob 11\x00", []byte("hello world")))
	f.Add(looseBytes("tree 0\x00", nil))
	f.Add(looseBytes("blob 5\x00", []byte("hello world")))
	f.Add([]byte("not zlib"))
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, ok, wholeErr := readSmallLoose(bytes.NewReader(data), int64(len(data)), plumbing.ZeroHash)
		typ, size, r, err := readLooseHeader(bytes.NewReader(data))
		if err != nil {
			if wholeErr == nil {
				t.Fatalf("read whole, but its header is refused: %v", err)
			}
			return
		}
		if typ == plumbing.InvalidObject || size < 0 {
			t.Fatalf("accepted type %v size %d", typ, size)
		}
		content, err := io.ReadAll(io.LimitReader(r, min(size, 1<<20)+1))
		if wholeErr != nil || !ok {
			return
		}
		if whole.typ != typ || whole.size != size {
			t.Fatalf("whole %v %d, streamed %v %d", whole.typ, whole.size, typ, size)
		}
		got, _ := readAll(whole)
		if err != nil || int64(len(content)) != size || !bytes.Equal(got, content) {
			t.Fatalf("whole %q, streamed %q (%v)", got, content, err)
		}
	})
}
