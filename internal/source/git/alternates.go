package git

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Alternates: a repository made with `git clone --shared` or `--reference`
// (or GIT_ALTERNATE_OBJECT_DIRECTORIES) borrows objects from other object
// directories listed in objects/info/alternates. go-git follows them only
// within its own directory, so they are resolved here as git does: relative
// paths from the objects directory that lists them, nested alternates to a
// depth of 5, each directory once.

const maxAlternateDepth = 5

// objectDirs returns the repository's objects directory followed by every
// alternate object directory it borrows from, in git's search order.
func objectDirs(objects string, getenv func(string) string) ([]string, error) {
	dirs := []string{filepath.Clean(objects)}
	seen := map[string]bool{dirs[0]: true}
	var add func(list []string, base string, depth int) error
	add = func(list []string, base string, depth int) error {
		for _, d := range list {
			if !filepath.IsAbs(d) {
				d = filepath.Join(base, d)
			}
			d = filepath.Clean(d)
			if seen[d] {
				continue
			}
			seen[d] = true
			if !isDir(d) {
				// git warns and goes on; an object needed from it is then
				// missing, which is an error when it is read
				continue
			}
			dirs = append(dirs, d)
			if depth >= maxAlternateDepth {
				continue
			}
			nested, err := readAlternates(d)
			if err != nil {
				return err
			}
			if err := add(nested, d, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	list, err := readAlternates(dirs[0])
	if err != nil {
		return nil, err
	}
	if env := getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"); env != "" {
		list = append(list, filepath.SplitList(env)...)
	}
	if err := add(list, dirs[0], 1); err != nil {
		return nil, err
	}
	return dirs, nil
}

// readAlternates reads objects/info/alternates of an objects directory:
// one directory per line, blank lines and # comments skipped, C-quoted
// when it starts with a double quote.
func readAlternates(objects string) ([]string, error) {
	path := filepath.Join(objects, "info", "alternates")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '"' {
			unq, err := strconv.Unquote(line)
			if err != nil {
				return nil, fmt.Errorf("%s: cannot read the quoted path %s", path, line)
			}
			line = unq
		}
		out = append(out, line)
	}
	return out, nil
}

// looseObject opens object h stored loose in an objects directory, if it
// is there: its type and size from the header, and its content streamed.
func looseObject(objects string, h plumbing.Hash) (*packedObject, bool, error) {
	hex := h.String()
	path := filepath.Join(objects, hex[:2], hex[2:])
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	typ, size, _, err := readLooseHeader(f)
	f.Close()
	if err != nil {
		return nil, false, fmt.Errorf("loose object %s: %w", path, err)
	}
	obj := &packedObject{hash: h, typ: typ, size: size}
	obj.open = func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		_, _, content, err := readLooseHeader(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("loose object %s: %w", path, err)
		}
		return &looseReader{r: io.LimitReader(content, size), left: size, f: f}, nil
	}
	return obj, true, nil
}

// readLooseHeader reads "TYPE SIZE\0" from a loose object's zlib stream
// and returns the stream positioned at the content.
func readLooseHeader(f io.Reader) (plumbing.ObjectType, int64, io.Reader, error) {
	zr, err := zlib.NewReader(f)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("%w: %v", errCorruptPack, err)
	}
	br := bufio.NewReader(zr)
	hdr, err := br.ReadSlice(0)
	if err != nil || len(hdr) > 32 {
		return 0, 0, nil, fmt.Errorf("%w: bad loose object header", errCorruptPack)
	}
	name, num, ok := bytes.Cut(hdr[:len(hdr)-1], []byte(" "))
	typ, terr := plumbing.ParseObjectType(string(name))
	size, serr := strconv.ParseInt(string(num), 10, 64)
	if typ != plumbing.CommitObject && typ != plumbing.TreeObject && typ != plumbing.BlobObject && typ != plumbing.TagObject {
		terr = errCorruptPack
	}
	if !ok || terr != nil || serr != nil || size < 0 {
		return 0, 0, nil, fmt.Errorf("%w: bad loose object header %q", errCorruptPack, hdr)
	}
	return typ, size, br, nil
}

// looseReader streams a loose object's content and fails if it is shorter
// than its header says.
type looseReader struct {
	r    io.Reader
	left int64
	f    *os.File
}

func (l *looseReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err == io.EOF && l.left > 0 {
		err = fmt.Errorf("%w: loose object ends %d bytes early", errCorruptPack, l.left)
	}
	return n, err
}

func (l *looseReader) Close() error { return l.f.Close() }
