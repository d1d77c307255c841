package git

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
)

// packIndex reads a pack's version-2 .idx file in place. go-git decodes
// every index file whole, and builds an offset-to-hash map, before the first
// object is read from any pack; for the pre-commit hook, which reads a
// handful of objects, that is most of its work. Here a lookup is a binary
// search in the mapped file, and the offset-to-hash table (needed only to
// resolve deltas) is built the first time a delta is read.
type packIndex struct {
	data   []byte
	count  int
	fanout []byte // 256 big-endian uint32
	names  []byte // count * 20
	crcs   []byte // count * 4
	off32  []byte // count * 4
	off64  []byte // 8 per large offset

	revOnce sync.Once
	rev     []int32 // positions ordered by offset
}

var idxMagic = []byte{0xff, 't', 'O', 'c'}

func parsePackIndex(data []byte) (*packIndex, error) {
	if len(data) < 8+256*4 || !bytes.Equal(data[:4], idxMagic) || binary.BigEndian.Uint32(data[4:8]) != 2 {
		return nil, errors.New("not a version 2 pack index")
	}
	p := &packIndex{data: data, fanout: data[8 : 8+256*4]}
	// the last fan-out entry is the object count; the others may not
	// exceed it (checked below, as non-decreasing)
	p.count = int(binary.BigEndian.Uint32(p.fanout[255*4:]))
	pos := 8 + 256*4
	need := pos + p.count*(20+4+4) + 2*20
	if p.count < 0 || need > len(data) {
		return nil, errors.New("truncated pack index")
	}
	prev := uint32(0)
	for i := 0; i < 256; i++ {
		n := binary.BigEndian.Uint32(p.fanout[4*i:])
		if n < prev {
			return nil, fmt.Errorf("damaged pack index: fan-out entry %d (%d) is below entry %d (%d)", i, n, i-1, prev)
		}
		prev = n
	}
	p.names = data[pos : pos+20*p.count]
	pos += 20 * p.count
	p.crcs = data[pos : pos+4*p.count]
	pos += 4 * p.count
	p.off32 = data[pos : pos+4*p.count]
	pos += 4 * p.count
	p.off64 = data[pos : len(data)-40]
	return p, nil
}

func (p *packIndex) name(i int) []byte { return p.names[20*i : 20*i+20] }

// position finds h, or returns -1.
func (p *packIndex) position(h plumbing.Hash) int {
	lo := 0
	if h[0] > 0 {
		lo = int(binary.BigEndian.Uint32(p.fanout[4*(int(h[0])-1):]))
	}
	hi := int(binary.BigEndian.Uint32(p.fanout[4*int(h[0]):]))
	i := lo + sort.Search(hi-lo, func(k int) bool { return bytes.Compare(p.name(lo+k), h[:]) >= 0 })
	if i < hi && bytes.Equal(p.name(i), h[:]) {
		return i
	}
	return -1
}

func (p *packIndex) offset(i int) (int64, error) {
	o := binary.BigEndian.Uint32(p.off32[4*i:])
	if o&0x80000000 == 0 {
		return int64(o), nil
	}
	k := int(o &^ 0x80000000)
	if 8*k+8 > len(p.off64) {
		return 0, errors.New("corrupt pack index: bad large offset")
	}
	return int64(binary.BigEndian.Uint64(p.off64[8*k:])), nil
}

// Contains implements idxfile.Index.
func (p *packIndex) Contains(h plumbing.Hash) (bool, error) { return p.position(h) >= 0, nil }

// FindOffset implements idxfile.Index.
func (p *packIndex) FindOffset(h plumbing.Hash) (int64, error) {
	i := p.position(h)
	if i < 0 {
		return 0, plumbing.ErrObjectNotFound
	}
	return p.offset(i)
}

// FindCRC32 implements idxfile.Index.
func (p *packIndex) FindCRC32(h plumbing.Hash) (uint32, error) {
	i := p.position(h)
	if i < 0 {
		return 0, plumbing.ErrObjectNotFound
	}
	return binary.BigEndian.Uint32(p.crcs[4*i:]), nil
}

// FindHash implements idxfile.Index.
func (p *packIndex) FindHash(o int64) (plumbing.Hash, error) {
	p.revOnce.Do(p.buildRev)
	i := sort.Search(len(p.rev), func(k int) bool {
		off, _ := p.offset(int(p.rev[k]))
		return off >= o
	})
	if i < len(p.rev) {
		if off, _ := p.offset(int(p.rev[i])); off == o {
			var h plumbing.Hash
			copy(h[:], p.name(int(p.rev[i])))
			return h, nil
		}
	}
	return plumbing.ZeroHash, plumbing.ErrObjectNotFound
}

func (p *packIndex) buildRev() {
	p.rev = make([]int32, p.count)
	offs := make([]int64, p.count)
	for i := range p.rev {
		p.rev[i] = int32(i)
		offs[i], _ = p.offset(i)
	}
	sort.Slice(p.rev, func(a, b int) bool { return offs[p.rev[a]] < offs[p.rev[b]] })
}

// Count implements idxfile.Index.
func (p *packIndex) Count() (int64, error) { return int64(p.count), nil }

// Entries implements idxfile.Index.
func (p *packIndex) Entries() (idxfile.EntryIter, error) {
	return &packIndexIter{p: p}, nil
}

// EntriesByOffset implements idxfile.Index.
func (p *packIndex) EntriesByOffset() (idxfile.EntryIter, error) {
	p.revOnce.Do(p.buildRev)
	return &packIndexIter{p: p, byOffset: true}, nil
}

type packIndexIter struct {
	p        *packIndex
	i        int
	byOffset bool
}

func (it *packIndexIter) Next() (*idxfile.Entry, error) {
	if it.i >= it.p.count {
		return nil, io.EOF
	}
	pos := it.i
	if it.byOffset {
		pos = int(it.p.rev[it.i])
	}
	it.i++
	off, err := it.p.offset(pos)
	if err != nil {
		return nil, err
	}
	e := &idxfile.Entry{CRC32: binary.BigEndian.Uint32(it.p.crcs[4*pos:]), Offset: uint64(off)}
	copy(e.Hash[:], it.p.name(pos))
	return e, nil
}

func (it *packIndexIter) Close() error { return nil }

var _ idxfile.Index = (*packIndex)(nil)

func errPack(name string, err error) error { return fmt.Errorf("pack %s: %w", name, err) }
