package git

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// tree is a tree object: its id and its content, read in place. Diffs walk
// two trees' entries side by side in git's order, so comparing trees that
// differ in a few entries allocates nothing for the rest.
type tree struct {
	hash plumbing.Hash
	data []byte
}

// treeEntry is one entry of a tree; name points into the tree's content.
type treeEntry struct {
	name []byte
	mode filemode.FileMode
	hash plumbing.Hash
}

// treeReader yields a tree's entries ("MODE NAME\0" and a 20-byte id each).
type treeReader struct {
	data []byte
	id   plumbing.Hash
	err  error
}

func newTreeReader(t *tree) treeReader {
	if t == nil {
		return treeReader{}
	}
	return treeReader{data: t.data, id: t.hash}
}

func (r *treeReader) next() (treeEntry, bool) {
	if len(r.data) == 0 || r.err != nil {
		return treeEntry{}, false
	}
	var e treeEntry
	i := 0
	for ; i < len(r.data) && r.data[i] != ' '; i++ {
		c := r.data[i]
		if c < '0' || c > '7' || i > 7 {
			return r.fail()
		}
		e.mode = e.mode<<3 | filemode.FileMode(c-'0')
	}
	if i == 0 || i >= len(r.data) {
		return r.fail()
	}
	rest := r.data[i+1:]
	nul := bytes.IndexByte(rest, 0)
	if nul <= 0 || len(rest) < nul+1+20 {
		return r.fail()
	}
	e.name = rest[:nul]
	copy(e.hash[:], rest[nul+1:nul+21])
	r.data = rest[nul+21:]
	return e, true
}

func (r *treeReader) fail() (treeEntry, bool) {
	r.err = fmt.Errorf("tree %s is malformed; the repository is damaged", r.id)
	r.data = nil
	return treeEntry{}, false
}

// compareEntries orders entries as git sorts a tree: by name, a directory's
// name as if it ended in "/". A missing entry sorts last.
func compareEntries(a treeEntry, aok bool, b treeEntry, bok bool) int {
	switch {
	case !aok && !bok:
		return 0
	case !aok:
		return 1
	case !bok:
		return -1
	}
	n := min(len(a.name), len(b.name))
	if c := bytes.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	ca, cb := nameEnd(a, n), nameEnd(b, n)
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}

// nameEnd is the byte of e's sort key at n: the name's, or "/" past the
// end of a directory's name, or 0 past the end of another entry's.
func nameEnd(e treeEntry, n int) byte {
	if n < len(e.name) {
		return e.name[n]
	}
	if isTree(e.mode) {
		return '/'
	}
	return 0
}

// findEntry returns the entry at path (slash-separated) below t.
func (r *Repo) findEntry(t *tree, path string) (treeEntry, bool, error) {
	for {
		name, rest, more := strings.Cut(path, "/")
		var found treeEntry
		ok := false
		rd := newTreeReader(t)
		for e, more := rd.next(); more; e, more = rd.next() {
			if string(e.name) == name {
				found, ok = e, true
				break
			}
		}
		if rd.err != nil {
			return treeEntry{}, false, rd.err
		}
		if !ok || !more {
			return found, ok, nil
		}
		if !isTree(found.mode) {
			return treeEntry{}, false, nil
		}
		sub, err := r.readTree(found.hash)
		if err != nil {
			return treeEntry{}, false, err
		}
		t, path = sub, rest
	}
}

// readTree reads tree h.
func (r *Repo) readTree(h plumbing.Hash) (*tree, error) {
	data, err := r.objects.readObject(h, plumbing.TreeObject)
	if err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	return &tree{hash: h, data: data}, nil
}
