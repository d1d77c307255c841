package detect

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/leakhound/leakhound/internal/gitpack"
)

// Git packfiles committed as files (fixtures, backups of a .git directory,
// bundles). A pack stores most versions of a file as deltas on another
// version: copies from the base and inserted bytes. A token is only whole
// in the object a delta builds: a rotated token's unchanged prefix is
// copied from the version before, a long line is inserted in pieces of 127
// bytes. Each delta is therefore applied to its base, found in the pack
// by offset or by id, and every object is scanned whole, as a member named
// after its place ("object 2 at 1234").
//
// A delta whose base is not in the pack (a thin pack: a bundle's objects
// on top of its prerequisites) or that does not apply is scanned as its
// instructions, which hold the text it inserts, and said in a warning.

// Bounds on resolving a pack's deltas.
const (
	// packCacheBytes bounds the objects kept as bases for the deltas
	// after them; a base dropped is built again when needed
	packCacheBytes = 64 << 20
	// packMaxChain bounds a delta chain (git's deepest is 4095)
	packMaxChain = 4096
)

var packTypeNames = [...]string{gitpack.Commit: "commit", gitpack.Tree: "tree", gitpack.Blob: "blob", gitpack.Tag: "tag"}

// packObject is one object of a pack as its header says.
type packObject struct {
	n      int // its place, from 1
	offset int // of its header
	data   int // of its compressed data
	size   int // its data's size, as its header says
	typ    byte
	// a delta's base: the offset of an offset delta's, the id of a ref
	// delta's
	baseOffset int
	baseID     [20]byte
	// resolved: its type once built (the base's for a delta), 0 while
	// not built; id its id then
	resolved byte
	id       [20]byte
}

func (p *packObject) name() string { return fmt.Sprintf("object %d at %d", p.n, p.offset) }

// packScan resolves and scans the objects of one pack.
type packScan struct {
	o     *opener
	data  []byte
	start int // where the pack starts in data (after a bundle's header)
	byOff map[int]*packObject
	byID  map[[20]byte]*packObject
	// cache holds built objects' data, the oldest dropped first past
	// packCacheBytes
	cache      map[*packObject][]byte
	cacheOrder []*packObject
	cacheBytes int
	// waiting holds the ref deltas read before their bases, by base id
	waiting map[[20]byte][]*packObject
}

// pack scans the objects of a git packfile (or the pack in a bundle).
func (o *opener) pack(data []byte) {
	start := packStart(data)
	p := &packScan{o: o, data: data, start: start, byOff: map[int]*packObject{}, byID: map[[20]byte]*packObject{}, cache: map[*packObject][]byte{},
		waiting: map[[20]byte][]*packObject{}}
	count := binary.BigEndian.Uint32(data[start+8:])
	r := bytes.NewReader(data)
	off := start + 12
	for n := 1; uint32(n-1) < count && o.ctx.Err() == nil; n++ {
		obj, err := p.header(off, n)
		if err != nil {
			o.e.archiveWarning(o.st, fmt.Sprintf("git pack: object %d of %d at %d cannot be read (%v): the rest of the pack was scanned as it is", n, count, obj.offset, err))
			return
		}
		r.Seek(int64(obj.data), io.SeekStart)
		raw, err := p.inflate(r, obj)
		off = len(data) - r.Len()
		if err != nil {
			o.e.archiveWarning(o.st, fmt.Sprintf("git pack: object %d of %d at %d does not inflate (%v): the rest of the pack was scanned as it is", n, count, obj.offset, err))
			return
		}
		p.byOff[obj.offset] = obj
		if obj.typ == gitpack.RefDelta && p.byID[obj.baseID] == nil {
			// its base may come later in the pack: built once it is
			p.waiting[obj.baseID] = append(p.waiting[obj.baseID], obj)
			continue
		}
		if !p.scan(obj, raw) {
			return
		}
	}
	// what still waits is a delta on an object the pack does not hold
	var left []*packObject
	for _, objs := range p.waiting {
		left = append(left, objs...)
	}
	slices.SortFunc(left, func(a, b *packObject) int { return a.n - b.n })
	for _, obj := range left {
		if o.ctx.Err() != nil {
			return
		}
		raw, err := p.reinflate(obj)
		if err != nil {
			return
		}
		o.e.archiveWarning(o.st, fmt.Sprintf("git pack: %s is a delta on %x, which is not in the pack (a thin pack or bundle): only the text it inserts was scanned", obj.name(), obj.baseID))
		if !o.member(obj.name(), bytes.NewReader(raw)) {
			return
		}
	}
}

// header reads the header of object n at off.
func (p *packScan) header(off, n int) (*packObject, error) {
	obj := &packObject{n: n, offset: off}
	e, err := gitpack.ParseEntry(p.data[p.start:], int64(off-p.start))
	if err != nil {
		return obj, err
	}
	obj.typ, obj.size, obj.data = e.Type, int(e.Size), p.start+int(e.Data)
	obj.baseOffset, obj.baseID = p.start+int(e.BaseOff), e.BaseRef
	return obj, nil
}

// inflate reads obj's compressed data at r's place, leaving r after it.
func (p *packScan) inflate(r *bytes.Reader, obj *packObject) ([]byte, error) {
	if obj.size > maxArchiveBytes {
		return nil, fmt.Errorf("its header says %d bytes, over the %d MiB bound", obj.size, maxArchiveBytes>>20)
	}
	zr, err := zlib.NewReader(r)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out := make([]byte, 0, obj.size)
	buf := bytes.NewBuffer(out)
	// one byte more than declared shows a header that lies
	if _, err := io.Copy(buf, io.LimitReader(zr, int64(obj.size)+1)); err != nil {
		return nil, err
	}
	if buf.Len() != obj.size {
		return nil, fmt.Errorf("%d bytes, its header says %d", buf.Len(), obj.size)
	}
	return buf.Bytes(), nil
}

// reinflate inflates obj's data again.
func (p *packScan) reinflate(obj *packObject) ([]byte, error) {
	raw, err := p.inflate(bytes.NewReader(p.data[obj.data:]), obj)
	if err != nil {
		p.o.e.archiveWarning(p.o.st, fmt.Sprintf("git pack: %s does not inflate (%v): the rest of the pack was scanned as it is", obj.name(), err))
	}
	return raw, err
}

// scan builds obj from its inflated data and scans it; false when the
// scan must stop.
func (p *packScan) scan(obj *packObject, raw []byte) bool {
	// obj, then the ref deltas read before it that wait on it, and on
	// them in turn
	queue := []*packObject{obj}
	for len(queue) > 0 {
		obj := queue[0]
		queue = queue[1:]
		data := raw
		raw = nil
		if data == nil {
			var err error
			if data, err = p.reinflate(obj); err != nil {
				return false
			}
		}
		content, err := p.build(obj, data, 0)
		if err != nil {
			p.o.e.archiveWarning(p.o.st, fmt.Sprintf("git pack: %s cannot be built (%v): only the text it inserts was scanned", obj.name(), err))
			content = data
		}
		if !p.o.member(obj.name(), bytes.NewReader(content)) {
			return false
		}
		if obj.resolved != 0 {
			queue = append(queue, p.waiting[obj.id]...)
			delete(p.waiting, obj.id)
		}
	}
	return true
}

// build returns obj's content from its inflated data, applying a delta to
// its base (built again if it was dropped from the cache), and notes the
// object's id.
func (p *packScan) build(obj *packObject, raw []byte, depth int) ([]byte, error) {
	if data, ok := p.cache[obj]; ok {
		return data, nil
	}
	content, typ := raw, obj.typ
	if obj.typ == gitpack.OfsDelta || obj.typ == gitpack.RefDelta {
		if depth >= packMaxChain {
			return nil, fmt.Errorf("a delta chain longer than %d", packMaxChain)
		}
		base := p.byID[obj.baseID]
		if obj.typ == gitpack.OfsDelta {
			base = p.byOff[obj.baseOffset]
		}
		if base == nil {
			return nil, errors.New("its base is not an object of the pack")
		}
		baseData, err := p.cached(base, depth+1)
		if err != nil {
			return nil, err
		}
		if content, err = gitpack.Apply(baseData, raw, int64(maxArchiveBytes)); err != nil {
			return nil, err
		}
		typ = base.resolved
	}
	if obj.resolved == 0 {
		obj.resolved = typ
		h := sha1.New()
		h.Write([]byte(packTypeNames[typ] + " " + strconv.Itoa(len(content)) + "\x00"))
		h.Write(content)
		h.Sum(obj.id[:0])
		if p.byID[obj.id] == nil {
			p.byID[obj.id] = obj
		}
	}
	p.keep(obj, content)
	return content, nil
}

// cached returns base's content, built again from the pack when it is
// not in the cache. The bytes built again count against the archive's
// expansion bound: a pack made to rebuild long chains over and over
// stops there.
func (p *packScan) cached(base *packObject, depth int) ([]byte, error) {
	if data, ok := p.cache[base]; ok {
		return data, nil
	}
	x := p.o.st.expansion
	if x.bytes -= int64(base.size); x.bytes < 0 {
		return nil, fmt.Errorf("rebuilding its base passes the %d MiB expansion bound", maxExpandedBytes>>20)
	}
	raw, err := p.inflate(bytes.NewReader(p.data[base.data:]), base)
	if err != nil {
		return nil, fmt.Errorf("its base %s: %w", base.name(), err)
	}
	return p.build(base, raw, depth)
}

// keep caches obj's content, dropping the oldest past packCacheBytes.
func (p *packScan) keep(obj *packObject, content []byte) {
	if len(content) > packCacheBytes {
		return
	}
	p.cache[obj] = content
	p.cacheOrder = append(p.cacheOrder, obj)
	p.cacheBytes += len(content)
	for p.cacheBytes > packCacheBytes {
		old := p.cacheOrder[0]
		p.cacheOrder = p.cacheOrder[1:]
		p.cacheBytes -= len(p.cache[old])
		delete(p.cache, old)
	}
}
