package git

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"
)

// The index reader exists because go-git's decoder drops invalidated
// cache-tree entries, and with them the shape of the tree: the staged source
// needs every cache-tree entry to skip the directories a commit leaves alone.

// IndexEntry is one stage-0..3 path of the index.
type IndexEntry struct {
	Path        string
	Mode        uint32
	Hash        plumbing.Hash
	Stage       uint8
	IntentToAdd bool
}

// CacheTree is the index's TREE extension: for each directory whose entry is
// valid, the tree object that writing the index would produce.
type CacheTree struct {
	// Valid maps a directory path ("" for the root, "a/b" below it) to its
	// tree id. Invalidated directories are absent.
	Valid map[string]plumbing.Hash
}

// Index is the decoded index file.
type Index struct {
	Version int
	Entries []IndexEntry
	Tree    CacheTree
}

// errGitLayout means the index is intact but in a layout this reader does
// not decode (a split index, core.splitIndex; a sparse index,
// index.sparse): git itself is asked for its entries.
var errGitLayout = errors.New("index layout read through git")

// ReadIndex reads and verifies the index file of a SHA-1 repository. The
// file is mapped, and the entries' paths point into the mapping: they are
// valid until release is called.
func ReadIndex(path string) (idx *Index, release func(), err error) {
	data, unmap, err := mapFile(path)
	if err != nil {
		return nil, nil, err
	}
	idx, err = parseIndex(data, unsafeString(data))
	if err != nil {
		unmap()
		return nil, nil, fmt.Errorf("index %s: %w", path, err)
	}
	return idx, unmap, nil
}

// unsafeString views data as a string without copying. data must not change
// while the string is in use (a read-only mapping never does).
func unsafeString(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	return unsafe.String(&data[0], len(data))
}

var errShort = errors.New("truncated (the index is corrupt)")

const hashSize = 20

// ParseIndex decodes the contents of a SHA-1 repository's index file.
func ParseIndex(data []byte) (*Index, error) {
	return parseIndex(data, string(data))
}

// parseIndex decodes data; text holds the same bytes as a string, and
// entries' paths are substrings of it.
func parseIndex(data []byte, text string) (*Index, error) {
	if len(data) < 12+hashSize {
		return nil, errShort
	}
	if !bytes.Equal(data[:4], []byte("DIRC")) {
		return nil, errors.New("not an index file (bad signature)")
	}
	// git reads an index without checking its trailing checksum (only
	// fsck does): a 50,000-file index costs a hook 7 ms to hash. The
	// checksum is checked when the index does not parse, to tell damage
	// from a layout git wrote that this reader leaves to git.
	idx, err := parseIndexBody(data, text)
	if err != nil && !indexChecksumHolds(data) {
		return nil, errors.New("checksum mismatch (the index is corrupt)")
	}
	return idx, err
}

// indexChecksumHolds reports whether data ends with the SHA-1 of the rest,
// or with the all-zero trailer index.skipHash (feature.manyFiles, git 2.40
// and later) writes, which git accepts.
func indexChecksumHolds(data []byte) bool {
	body, sum := data[:len(data)-hashSize], data[len(data)-hashSize:]
	if bytes.Equal(sum, make([]byte, hashSize)) {
		return true
	}
	h := sha1.Sum(body)
	return bytes.Equal(h[:], sum)
}

// parseIndexBody decodes the entries and extensions of an index whose
// signature has been checked.
func parseIndexBody(data []byte, text string) (*Index, error) {
	body := data[:len(data)-hashSize]
	idx := &Index{Version: int(binary.BigEndian.Uint32(data[4:8]))}
	if idx.Version < 2 || idx.Version > 4 {
		return nil, fmt.Errorf("unsupported index version %d", idx.Version)
	}
	n := binary.BigEndian.Uint32(data[8:12])
	p := &indexParser{data: body, text: text, off: 12, version: idx.Version}
	if uint64(n) > uint64(len(body)) {
		return nil, errShort
	}
	idx.Entries = make([]IndexEntry, 0, n)
	for i := uint32(0); i < n; i++ {
		e, err := p.entry()
		if err != nil {
			// when the checksum holds (parseIndex checks), the file is
			// as git wrote it: a split index stores replaced entries
			// without a path
			return nil, fmt.Errorf("entry %d: %w (%w)", i, err, errGitLayout)
		}
		idx.Entries = append(idx.Entries, e)
	}
	if err := p.extensions(idx); err != nil {
		return nil, err
	}
	return idx, nil
}

type indexParser struct {
	data    []byte
	text    string // data as a string, for zero-copy paths
	off     int
	version int
	prev    string // previous path, for v4 prefix compression
}

func (p *indexParser) need(n int) error {
	if n < 0 || p.off+n > len(p.data) {
		return errShort
	}
	return nil
}

func (p *indexParser) entry() (IndexEntry, error) {
	start := p.off
	fixed := 40 + hashSize + 2
	if err := p.need(fixed); err != nil {
		return IndexEntry{}, err
	}
	d := p.data[p.off:]
	e := IndexEntry{Mode: binary.BigEndian.Uint32(d[24:28])}
	copy(e.Hash[:], d[40:40+hashSize])
	flags := binary.BigEndian.Uint16(d[40+hashSize:])
	e.Stage = uint8(flags>>12) & 3
	p.off += fixed
	if flags&0x4000 != 0 {
		if p.version < 3 {
			return e, errors.New("extended flags in a version 2 index")
		}
		if err := p.need(2); err != nil {
			return e, err
		}
		ext := binary.BigEndian.Uint16(p.data[p.off:])
		e.IntentToAdd = ext&0x2000 != 0
		p.off += 2
	}
	if p.version == 4 {
		strip, size := binary.Uvarint(p.data[p.off:])
		if size <= 0 || strip > uint64(len(p.prev)) {
			return e, errors.New("bad path prefix")
		}
		p.off += size
		end := bytes.IndexByte(p.data[p.off:], 0)
		if end < 0 {
			return e, errShort
		}
		e.Path = p.prev[:len(p.prev)-int(strip)] + string(p.data[p.off:p.off+end])
		p.off += end + 1
	} else {
		end := bytes.IndexByte(p.data[p.off:], 0)
		if end < 0 {
			return e, errShort
		}
		e.Path = p.text[p.off : p.off+end]
		// entries are padded with 1-8 NULs to a multiple of 8 bytes
		p.off = start + (p.off-start+end+8)&^7
		if p.off > len(p.data) {
			return e, errShort
		}
	}
	if e.Path == "" {
		return e, errors.New("empty path")
	}
	p.prev = e.Path
	return e, nil
}

func (p *indexParser) extensions(idx *Index) error {
	for p.off < len(p.data) {
		if err := p.need(8); err != nil {
			return fmt.Errorf("extension header: %w", err)
		}
		sig := string(p.data[p.off : p.off+4])
		size := int(binary.BigEndian.Uint32(p.data[p.off+4:]))
		p.off += 8
		if err := p.need(size); err != nil {
			return fmt.Errorf("extension %q: %w", sig, err)
		}
		ext := p.data[p.off : p.off+size]
		p.off += size
		switch sig {
		case "TREE":
			t, err := parseCacheTree(ext)
			if err != nil {
				return fmt.Errorf("cache tree: %w", err)
			}
			idx.Tree = t
		case "link":
			return fmt.Errorf("split index: %w", errGitLayout)
		case "sdir":
			return fmt.Errorf("sparse index: %w", errGitLayout)
		}
	}
	return nil
}

// parseCacheTree decodes the TREE extension: entries in pre-order, each
// "path NUL count SP subtrees LF [hash]", with no hash when count is -1.
func parseCacheTree(data []byte) (CacheTree, error) {
	// sized up front: growing the map entry by entry cost a hook on a
	// 50,000-file index (10,500 directories) a tenth of its run. An
	// entry takes at least a name, two counts and a hash: 26 bytes.
	t := CacheTree{Valid: make(map[string]plumbing.Hash, len(data)/26)}
	off := 0
	var walk func(prefix string, depth int) error
	walk = func(prefix string, depth int) error {
		if depth > 4096 {
			return errors.New("too deep")
		}
		nul := bytes.IndexByte(data[off:], 0)
		if nul < 0 {
			return errShort
		}
		name := string(data[off : off+nul])
		off += nul + 1
		sp := bytes.IndexByte(data[off:], ' ')
		if sp < 0 {
			return errShort
		}
		count, err := strconv.Atoi(string(data[off : off+sp]))
		if err != nil {
			return fmt.Errorf("bad entry count: %w", err)
		}
		off += sp + 1
		nl := bytes.IndexByte(data[off:], '\n')
		if nl < 0 {
			return errShort
		}
		subtrees, err := strconv.Atoi(string(data[off : off+nl]))
		if err != nil || subtrees < 0 {
			return errors.New("bad subtree count")
		}
		off += nl + 1
		path := name
		if prefix != "" {
			path = prefix + "/" + name
		}
		if count >= 0 {
			if off+hashSize > len(data) {
				return errShort
			}
			var h plumbing.Hash
			copy(h[:], data[off:off+hashSize])
			t.Valid[path] = h
			off += hashSize
		}
		for i := 0; i < subtrees; i++ {
			if off >= len(data) {
				return errShort
			}
			if err := walk(path, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if len(data) == 0 {
		return t, nil
	}
	if err := walk("", 0); err != nil {
		return CacheTree{}, err
	}
	return t, nil
}
