package git

import (
	"bytes"
	"fmt"
	"github.com/klauspost/compress/zlib"
	"github.com/leakhound/leakhound/internal/gitpack"
	"io"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
)

// A pack is read in place from its mapped file: an object is its header, a
// zlib stream and, for deltas, a base to apply the stream to. Reading it
// this way costs no system call per object, keeps no second copy of the
// compressed data, and resolves each delta chain against a cache of recent
// results keyed by offset (no object hashing), which is what makes a full
// history audit close to git's own speed. Every length and offset read from
// the file is checked, so a damaged pack is an error, never a panic.

// maxDeltaChain bounds delta resolution; git's own packs stay below 4096.
const maxDeltaChain = 10000

// errCorruptPack is damage found in an object's stored bytes, packed or
// loose (the error says which file).
var errCorruptPack = gitpack.ErrCorrupt

// packHeader is one object's header in a pack.
type packHeader struct {
	typ     byte
	size    int64 // inflated size of the object or, for deltas, of the delta
	data    int64 // offset of the zlib stream
	baseOff int64 // OFS_DELTA: the base's offset
	baseRef plumbing.Hash
}

// parsePackHeader reads the object header at off in pack data.
func parsePackHeader(data []byte, off int64) (packHeader, error) {
	e, err := gitpack.ParseEntry(data, off)
	return packHeader{typ: e.Type, size: e.Size, data: e.Data, baseOff: e.BaseOff, baseRef: plumbing.Hash(e.BaseRef)}, err
}

func objectType(t byte) plumbing.ObjectType {
	switch t {
	case gitpack.Commit:
		return plumbing.CommitObject
	case gitpack.Tree:
		return plumbing.TreeObject
	case gitpack.Blob:
		return plumbing.BlobObject
	case gitpack.Tag:
		return plumbing.TagObject
	}
	return plumbing.InvalidObject
}

// inflaters reuses zlib readers: allocating one costs more than inflating
// a typical tree.
var inflaters sync.Pool

// inflater is a zlib stream over pack bytes that checks, at its end, that
// it produced exactly the size the header promised.
type inflater struct {
	src  bytes.Reader
	zr   io.ReadCloser
	left int64
	err  error
	// pack, when set, is told how much of its mapping was read
	pack   *mappedPack
	unread int64 // src.Len() when last told
}

func newInflater(pack *mappedPack, data []byte, size int64) (*inflater, error) {
	in, _ := inflaters.Get().(*inflater)
	if in == nil {
		in = &inflater{}
	}
	in.src.Reset(data)
	in.left, in.err = size, nil
	in.pack, in.unread = pack, int64(len(data))
	var err error
	if in.zr == nil {
		in.zr, err = zlib.NewReader(&in.src)
	} else {
		err = in.zr.(zlib.Resetter).Reset(&in.src, nil)
	}
	if err != nil {
		in.zr = nil
		return nil, fmt.Errorf("%w: %v", errCorruptPack, err)
	}
	return in, nil
}

func (in *inflater) Read(p []byte) (int, error) {
	if in.err != nil {
		return 0, in.err
	}
	if in.left == 0 {
		in.err = in.finish()
		return 0, in.err
	}
	if int64(len(p)) > in.left {
		p = p[:in.left]
	}
	n, err := in.zr.Read(p)
	in.left -= int64(n)
	in.report()
	if err == io.EOF && in.left > 0 {
		err = fmt.Errorf("%w: object data ends %d bytes early", errCorruptPack, in.left)
	} else if err == io.EOF {
		err = nil
	} else if err != nil {
		err = fmt.Errorf("%w: %v", errCorruptPack, err)
	}
	if err != nil {
		in.err = err
	}
	return n, err
}

// finish checks that the stream ends where the object does (which also
// verifies zlib's checksum).
func (in *inflater) finish() error {
	var b [1]byte
	n, err := in.zr.Read(b[:])
	switch {
	case n > 0:
		return fmt.Errorf("%w: object data is longer than its header says", errCorruptPack)
	case err == io.EOF:
		return io.EOF
	case err == nil:
		return fmt.Errorf("%w: object data does not end", errCorruptPack)
	default:
		return fmt.Errorf("%w: %v", errCorruptPack, err)
	}
}

// report tells the pack how many mapped bytes were read since last time.
func (in *inflater) report() {
	if in.pack != nil {
		unread := int64(in.src.Len())
		in.pack.consumed(in.unread - unread)
		in.unread = unread
	}
}

// Close returns the inflater to the pool.
func (in *inflater) Close() error {
	in.report()
	in.pack = nil
	in.src.Reset(nil)
	inflaters.Put(in)
	return nil
}

// inflate returns the whole inflated stream of an object.
func (p *mappedPack) inflate(h packHeader) ([]byte, error) {
	in, err := newInflater(p, p.data[h.data:], h.size)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	if h.size > preallocMax {
		// a damaged header must not cost much more memory than the data
		// yields: past this size, memory follows what is inflated
		var buf bytes.Buffer
		buf.Grow(preallocMax)
		_, err := buf.ReadFrom(in)
		return buf.Bytes(), err
	}
	out := make([]byte, h.size)
	if _, err := io.ReadFull(in, out); err != nil {
		if err == io.ErrUnexpectedEOF {
			err = fmt.Errorf("%w: object data ends early", errCorruptPack)
		}
		return nil, err
	}
	if err := in.finish(); err != io.EOF {
		return nil, err
	}
	return out, nil
}

// preallocMax is the most memory set aside for an object before its data
// shows it is that large. Objects up to this size are inflated into a
// buffer of exactly their size (no doubling as it fills).
const preallocMax = 256 << 20

// MaxObjectSize is the largest object a pack may build, at any link of a
// delta chain: a crafted delta ("delta bomb") that claims more is damaged
// data, not gigabytes of allocation. Blobs over --max-file-size are refused
// before they are read; this bounds the bases they are built from, and
// trees and commits.
const MaxObjectSize = 1 << 30

// deltaCache holds recently resolved objects by pack offset, within a byte
// budget, evicting the least recently used. Entries are shared and must
// not be modified.
type deltaCache struct {
	mu sync.Mutex
	// budget grows, up to max, to hold at least four of the largest
	// objects put so far: a small repository's cache stays small, and one
	// with larger files gets the room their delta chains need
	budget  int64
	max     int64
	used    int64
	entries map[cacheKey]*cacheEntry
	head    cacheEntry // sentinel of a ring, most recent first
	// large holds the last object too big for the budget: a large file's
	// versions are deltas against one base, which is then inflated once
	// rather than once per version.
	large *cacheEntry
}

type cacheKey struct {
	pack *mappedPack
	off  int64
}

type cacheEntry struct {
	key        cacheKey
	typ        byte
	data       []byte
	prev, next *cacheEntry
}

func newDeltaCache(budget, max int64) *deltaCache {
	c := &deltaCache{budget: min(budget, max), max: max, entries: map[cacheKey]*cacheEntry{}}
	c.head.prev, c.head.next = &c.head, &c.head
	return c
}

func (c *deltaCache) unlink(e *cacheEntry) { e.prev.next, e.next.prev = e.next, e.prev }

func (c *deltaCache) front(e *cacheEntry) {
	e.next, e.prev = c.head.next, &c.head
	c.head.next.prev = e
	c.head.next = e
}

func (c *deltaCache) get(k cacheKey) (byte, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.large; l != nil && l.key == k {
		return l.typ, l.data, true
	}
	e := c.entries[k]
	if e == nil {
		return 0, nil, false
	}
	c.unlink(e)
	c.front(e)
	return e.typ, e.data, true
}

func (c *deltaCache) put(k cacheKey, typ byte, data []byte) {
	size := int64(len(data)) + 64
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.max/4 {
		c.large = &cacheEntry{key: k, typ: typ, data: data}
		return
	}
	c.budget = max(c.budget, min(4*size, c.max))
	if _, ok := c.entries[k]; ok {
		return
	}
	e := &cacheEntry{key: k, typ: typ, data: data}
	c.entries[k] = e
	c.front(e)
	c.used += size
	for c.used > c.budget {
		last := c.head.prev
		c.unlink(last)
		delete(c.entries, last.key)
		c.used -= int64(len(last.data)) + 64
	}
}

// mappedPack is a pack file mapped into memory, with its index.
type mappedPack struct {
	name    string
	data    []byte // the pack without its trailing checksum
	mapping []byte // the whole mapping, page aligned
	idx     *packIndex
	// touched counts mapped bytes read since the pages were last released:
	// pages read once stay resident (and count as the process's memory)
	// until released, so a long audit releases them as it goes.
	touched atomic.Int64
}

// releaseEvery is how many bytes of a pack are read between releases of
// its pages. Releasing costs only soft page faults on the next reads.
const releaseEvery = 32 << 20

func (p *mappedPack) consumed(n int64) {
	if p.touched.Add(n) >= releaseEvery {
		p.touched.Store(0)
		if p.mapping != nil {
			releasePages(p.mapping)
		}
	}
}

// resolveRef finds a REF_DELTA base elsewhere: in another pack or loose.
type resolveRef func(plumbing.Hash) (byte, []byte, error)

// read returns the object at off, resolving its delta chain through cache.
func (p *mappedPack) read(off int64, cache *deltaCache, other resolveRef) (byte, []byte, error) {
	typ, base, top, err := p.resolve(off, cache, other)
	if err != nil || top == nil {
		return typ, base, err
	}
	delta, err := p.inflate(top.hdr)
	if err != nil {
		return 0, nil, fmt.Errorf("delta at offset %d: %w", top.off, err)
	}
	data, err := gitpack.Apply(base, delta, MaxObjectSize)
	if err != nil {
		return 0, nil, fmt.Errorf("delta at offset %d: %w", top.off, err)
	}
	cache.put(cacheKey{p, top.off}, typ, data)
	return typ, data, nil
}

// stream returns a reader of the object at off. A delta's result is built
// as it is read, from its resolved base: only the base is held whole.
func (p *mappedPack) stream(off int64, cache *deltaCache, other resolveRef) (io.Reader, error) {
	_, base, top, err := p.resolve(off, cache, other)
	if err != nil {
		return nil, err
	}
	if top == nil {
		return bytes.NewReader(base), nil
	}
	delta, err := p.inflate(top.hdr)
	if err != nil {
		return nil, fmt.Errorf("delta at offset %d: %w", top.off, err)
	}
	r, err := gitpack.NewReader(base, delta, MaxObjectSize)
	if err != nil {
		return nil, fmt.Errorf("delta at offset %d: %w", top.off, err)
	}
	return &checkedReader{r: r, what: fmt.Sprintf("delta at offset %d", top.off)}, nil
}

// checkedReader names the delta in a read error.
type checkedReader struct {
	r    *gitpack.Reader
	what string
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w", c.what, err)
	}
	return n, err
}

// chainLink is one delta of a chain: its offset and header.
type chainLink struct {
	off int64
	hdr packHeader
}

// resolve follows the delta chain at off. It returns the object whole
// (top nil) when off is not a delta or is cached; otherwise the type and
// content of the base of off's own delta, and that delta (top). Every
// object built along the way is bounded by MaxObjectSize.
func (p *mappedPack) resolve(off int64, cache *deltaCache, other resolveRef) (typ byte, data []byte, top *chainLink, err error) {
	var chain []chainLink
	cur := off
	for {
		if t, d, ok := cache.get(cacheKey{p, cur}); ok {
			typ, data = t, d
			break
		}
		h, err := parsePackHeader(p.data, cur)
		if err != nil {
			return 0, nil, nil, err
		}
		if h.typ != gitpack.OfsDelta && h.typ != gitpack.RefDelta {
			if h.size > MaxObjectSize {
				return 0, nil, nil, fmt.Errorf("object at offset %d: %w: %d bytes, over the %d-byte limit", cur, errCorruptPack, h.size, MaxObjectSize)
			}
			data, err = p.inflate(h)
			if err != nil {
				return 0, nil, nil, fmt.Errorf("object at offset %d: %w", cur, err)
			}
			typ = h.typ
			if len(chain) > 0 || typ == gitpack.Tree {
				cache.put(cacheKey{p, cur}, typ, data)
			}
			break
		}
		chain = append(chain, chainLink{cur, h})
		if len(chain) > maxDeltaChain {
			return 0, nil, nil, fmt.Errorf("%w: delta chain at offset %d is longer than %d", errCorruptPack, off, maxDeltaChain)
		}
		if h.typ == gitpack.OfsDelta {
			cur = h.baseOff
			continue
		}
		if i := p.idx.position(h.baseRef); i >= 0 {
			cur, err = p.idx.offset(i)
			if err != nil {
				return 0, nil, nil, err
			}
			continue
		}
		typ, data, err = other(h.baseRef)
		if err != nil {
			return 0, nil, nil, fmt.Errorf("base %s of the delta at offset %d: %w", h.baseRef, cur, err)
		}
		break
	}
	if len(chain) == 0 {
		return typ, data, nil, nil
	}
	for i := len(chain) - 1; i >= 1; i-- {
		l := chain[i]
		delta, err := p.inflate(l.hdr)
		if err != nil {
			return 0, nil, nil, fmt.Errorf("delta at offset %d: %w", l.off, err)
		}
		data, err = gitpack.Apply(data, delta, MaxObjectSize)
		if err != nil {
			return 0, nil, nil, fmt.Errorf("delta at offset %d: %w", l.off, err)
		}
		cache.put(cacheKey{p, l.off}, typ, data)
	}
	return typ, data, &chain[0], nil
}

// deltaType returns the type of the delta at off: its base's, found by
// following the chain's headers.
func (p *mappedPack) deltaType(off int64, cache *deltaCache, other resolveRef) (byte, error) {
	cur := off
	for range maxDeltaChain {
		if t, _, ok := cache.get(cacheKey{p, cur}); ok {
			return t, nil
		}
		h, err := parsePackHeader(p.data, cur)
		if err != nil {
			return 0, err
		}
		switch h.typ {
		case gitpack.OfsDelta:
			cur = h.baseOff
		case gitpack.RefDelta:
			i := p.idx.position(h.baseRef)
			if i < 0 {
				t, _, err := other(h.baseRef)
				return t, err
			}
			if cur, err = p.idx.offset(i); err != nil {
				return 0, err
			}
		default:
			return h.typ, nil
		}
	}
	return 0, fmt.Errorf("%w: delta chain at offset %d is longer than %d", errCorruptPack, off, maxDeltaChain)
}

// objectSize returns the size of the object at off without inflating a
// whole object (a delta's result size is at the start of its data).
func (p *mappedPack) objectSize(off int64) (int64, error) {
	h, err := parsePackHeader(p.data, off)
	if err != nil {
		return 0, err
	}
	if h.typ != gitpack.OfsDelta && h.typ != gitpack.RefDelta {
		return h.size, nil
	}
	// the size is in the delta's first bytes; inflating from a short
	// prefix of its data yields them without decoding a whole block (a
	// reader stops early with what it has), and the whole data is used
	// only when the prefix does not hold them
	if size, err := p.deltaSize(p.data[h.data:min(int64(len(p.data)), h.data+deltaHeadInput)], h.size); err == nil {
		return size, nil
	}
	return p.deltaSize(p.data[h.data:], h.size)
}

// deltaHeadInput is how much compressed data objectSize first inflates to
// read a delta's header: the block header and a few bytes of output.
// (Tests lower it to take the fallback.)
var deltaHeadInput int64 = 512

// deltaSize reads the result size from the header of the delta that data
// (zlib) starts with.
func (p *mappedPack) deltaSize(data []byte, size int64) (int64, error) {
	in, err := newInflater(p, data, size)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	var head [20]byte
	n, _ := io.ReadFull(in, head[:min(len(head), int(size))])
	_, rest, err := gitpack.Varint(head[:n])
	if err != nil {
		return 0, err
	}
	result, _, err := gitpack.Varint(rest)
	return result, err
}
