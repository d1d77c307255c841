package git

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"
)

// Loose objects: one zlib stream per file, objects/xx/yyyy…, holding
// "TYPE SIZE\0" and the content. They are what `git add` writes, so a
// pre-commit hook reads little else: a small one (the usual staged file) is
// read and inflated whole with a pooled inflater as soon as it is found;
// a large one streams when read, so its size can refuse it first.

// looseWholeMax is the largest compressed file, and the largest content,
// read whole when a loose object is found.
const looseWholeMax = 1 << 20

// maxLooseHeader bounds "TYPE SIZE\0" (the longest type and a 64-bit size
// fit well within it).
const maxLooseHeader = 32

// looseObject finds object h stored loose in an objects directory: false
// when it is not there.
func looseObject(objects string, h plumbing.Hash) (*packedObject, bool, error) {
	path := loosePath(objects, h)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() <= looseWholeMax {
		obj, whole, err := readSmallLoose(f, st.Size(), h)
		if err != nil {
			return nil, false, fmt.Errorf("loose object %s: %w", path, err)
		}
		if whole {
			return obj, true, nil
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, false, err
		}
	}
	typ, size, _, err := readLooseHeader(f)
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

// loosePath is where object h is stored loose in an objects directory.
func loosePath(objects string, h plumbing.Hash) string {
	hex := h.String()
	return filepath.Join(objects, hex[:2], hex[2:])
}

// readSmallLoose reads a loose object of n compressed bytes whole: its
// content when the header says at most looseWholeMax bytes (whole true),
// else only its header's verdict that it is larger (whole false). The
// stream must end exactly where the header says.
func readSmallLoose(f io.Reader, n int64, h plumbing.Hash) (obj *packedObject, whole bool, err error) {
	data := make([]byte, n)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, false, err
	}
	in, err := newInflater(nil, data, maxLooseHeader)
	if err != nil {
		return nil, false, err
	}
	defer in.Close()
	var hdr [maxLooseHeader]byte
	k := 0
	for ; k < len(hdr); k++ {
		if _, err := io.ReadFull(in, hdr[k:k+1]); err != nil {
			return nil, false, fmt.Errorf("%w: bad loose object header", errCorruptPack)
		}
		if hdr[k] == 0 {
			break
		}
	}
	if k == len(hdr) {
		return nil, false, fmt.Errorf("%w: bad loose object header", errCorruptPack)
	}
	typ, size, err := parseLooseHeader(hdr[:k])
	if err != nil {
		return nil, false, err
	}
	if size > looseWholeMax {
		return nil, false, nil
	}
	content := make([]byte, size)
	in.left = size
	if _, err := io.ReadFull(in, content); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			err = fmt.Errorf("%w: loose object ends early", errCorruptPack)
		}
		return nil, false, err
	}
	if err := in.finish(); err != io.EOF {
		return nil, false, err
	}
	obj = &packedObject{hash: h, typ: typ, size: size}
	obj.open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil }
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
	if err != nil || len(hdr) > maxLooseHeader {
		return 0, 0, nil, fmt.Errorf("%w: bad loose object header", errCorruptPack)
	}
	typ, size, err := parseLooseHeader(hdr[:len(hdr)-1])
	if err != nil {
		return 0, 0, nil, err
	}
	return typ, size, br, nil
}

// parseLooseHeader parses "TYPE SIZE" (without the NUL).
func parseLooseHeader(hdr []byte) (plumbing.ObjectType, int64, error) {
	name, num, ok := bytes.Cut(hdr, []byte(" "))
	typ, terr := plumbing.ParseObjectType(string(name))
	size, serr := strconv.ParseInt(string(num), 10, 64)
	if typ != plumbing.CommitObject && typ != plumbing.TreeObject && typ != plumbing.BlobObject && typ != plumbing.TagObject {
		terr = errCorruptPack
	}
	if !ok || terr != nil || serr != nil || size < 0 {
		return 0, 0, fmt.Errorf("%w: bad loose object header %q", errCorruptPack, hdr)
	}
	return typ, size, nil
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
