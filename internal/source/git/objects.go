package git

import (
	"errors"
	"fmt"
	"github.com/leakhound/leakhound/internal/gitpack"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	format "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// objectStorage is go-git's filesystem storage with packed objects read
// from mapped pack files (pack.go) located through packIndex: lookups
// binary-search the mapped .idx files. It also reads the objects of
// alternate object directories (alternates.go). The repository's own loose
// objects and packs that cannot be mapped are left to go-git.
type objectStorage struct {
	*filesystem.Storage
	cache cache.Object
	set   *packSet
	// go-git readers for packs that cannot be mapped, per handle
	fallback map[*lazyPack]*packfile.Packfile
}

// mapPackFile maps packs; tests replace it to read packs as platforms
// without mappings do.
var mapPackFile = mapPack

// The delta cache holds resolved objects for delta chains, shared by every
// handle on a repository: as many bytes as the packs hold, within these
// bounds, and more (up to the maximum) when objects are large (see
// deltaCache). Its bytes are live heap, which the collector lets grow to twice
// what is live: on a small repository a large cache costs memory and page
// faults and saves little (conda-forge-pinning-feedstock, 13 MB packed:
// 8 MiB ran 12% faster than 32 with 40% less peak RSS), while large ones need
// it (pytest, 44 MB packed: 25% slower at 8 MiB).
const (
	minDeltaCache = 8 << 20
	maxDeltaCache = 32 << 20
)

// HistoryHeap is about how much heap a history scan of r uses at most: its
// delta cache, which the collector lets grow to twice its size, and the
// blobs being scanned; for small packs, some sixteen times what they hold
// (spf13/cobra, 2.2 MB packed, peaks at 21 MB of heap).
func (r *Repo) HistoryHeap() int {
	return int(min(2*r.packs.cache.budget+16<<20, 16*r.packs.packBytes))
}

// deltaCacheBudget sizes the delta cache for packs of packBytes in all.
func deltaCacheBudget(packBytes int64) int64 {
	return min(max(packBytes, minDeltaCache), maxDeltaCache)
}

// packSet is a repository's packs and those of the object directories it
// borrows from (alternates), shared by every handle on it: mapped pack data
// and the delta cache are safe for concurrent use.
type packSet struct {
	dirs      []string // objects directories, the repository's own first
	packs     []*lazyPack
	packBytes int64 // the packs' size in all
	cache     *deltaCache
}

type lazyPack struct {
	dir  string // the objects directory holding it
	name string // pack/pack-<id>.pack, within dir
	idx  *packIndex

	once   sync.Once
	mapped *mappedPack // nil when the pack cannot be mapped
	err    error
}

func (p *lazyPack) path() string { return filepath.Join(p.dir, p.name) }

// openPackSet reads the pack indexes of each objects directory. A pack
// index that cannot be read is an error: its objects would be missing
// silently.
func openPackSet(dirs []string) (*packSet, error) {
	s := &packSet{dirs: dirs}
	var packBytes int64
	for _, dir := range dirs {
		entries, err := os.ReadDir(filepath.Join(dir, "pack"))
		if err != nil {
			continue // no packs yet
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, "pack-") || !strings.HasSuffix(name, ".idx") {
				continue
			}
			// mapped for the life of the process, as the packs are:
			// readers hold slices of the mapping that the collector
			// cannot see
			idxPath := filepath.Join(dir, "pack", name)
			data, _, err := mapFile(idxPath)
			if err != nil {
				return nil, errPack(idxPath, err)
			}
			idx, err := parsePackIndex(data)
			if err != nil {
				return nil, errPack(idxPath, err)
			}
			lp := &lazyPack{dir: dir, name: path.Join("pack", strings.TrimSuffix(name, ".idx")+".pack"), idx: idx}
			if fi, err := os.Stat(lp.path()); err == nil {
				packBytes += fi.Size()
			}
			s.packs = append(s.packs, lp)
		}
	}
	s.packBytes = packBytes
	s.cache = newDeltaCache(deltaCacheBudget(packBytes), maxDeltaCache)
	return s, nil
}

// find returns the pack holding h and its position in the pack's index.
func (s *packSet) find(h plumbing.Hash) (*lazyPack, int) {
	for _, p := range s.packs {
		if i := p.idx.position(h); i >= 0 {
			return p, i
		}
	}
	return nil, -1
}

// open maps the pack on first use and checks its header.
func (s *packSet) open(p *lazyPack) (*mappedPack, error) {
	p.once.Do(func() {
		data, _, ok, err := mapPackFile(p.path())
		if err != nil {
			p.err = errPack(p.path(), err)
			return
		}
		if !ok {
			return
		}
		if len(data) < 32 || string(data[:4]) != "PACK" || (data[7] != 2 && data[7] != 3) || data[4]|data[5]|data[6] != 0 {
			p.err = errPack(p.path(), fmt.Errorf("%w: not a version 2 or 3 pack", errCorruptPack))
			return
		}
		p.mapped = &mappedPack{name: p.path(), data: data[:len(data)-20], mapping: data, idx: p.idx}
	})
	return p.mapped, p.err
}

func newObjectStorage(st *filesystem.Storage, objects cache.Object, set *packSet) *objectStorage {
	return &objectStorage{Storage: st, cache: objects, set: set, fallback: map[*lazyPack]*packfile.Packfile{}}
}

// goGitPack opens a pack that cannot be mapped with go-git's reader.
func (s *objectStorage) goGitPack(p *lazyPack) (*packfile.Packfile, error) {
	if pf := s.fallback[p]; pf != nil {
		return pf, nil
	}
	fs := osfs.New(p.dir)
	f, err := fs.Open(p.name)
	if err != nil {
		return nil, errPack(p.path(), err)
	}
	pf := packfile.NewPackfileWithCache(p.idx, fs, f, s.cache, largeObject)
	s.fallback[p] = pf
	return pf, nil
}

// located is where a packed object is: mapped (mp set) or not.
func (s *objectStorage) locate(h plumbing.Hash) (p *lazyPack, mp *mappedPack, off int64, err error) {
	p, i := s.set.find(h)
	if p == nil {
		return nil, nil, 0, nil
	}
	if off, err = p.idx.offset(i); err != nil {
		return nil, nil, 0, errPack(p.path(), err)
	}
	mp, err = s.set.open(p)
	return p, mp, off, err
}

// refBase reads a REF_DELTA base that is not in the delta's own pack.
func (s *objectStorage) refBase(h plumbing.Hash) (byte, []byte, error) {
	obj, err := s.Storage.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return 0, nil, err
	}
	data, err := readAll(obj)
	if err != nil {
		return 0, nil, err
	}
	return packType(obj.Type()), data, nil
}

func packType(t plumbing.ObjectType) byte {
	switch t {
	case plumbing.CommitObject:
		return gitpack.Commit
	case plumbing.TreeObject:
		return gitpack.Tree
	case plumbing.BlobObject:
		return gitpack.Blob
	case plumbing.TagObject:
		return gitpack.Tag
	}
	return 0
}

func readAll(obj plumbing.EncodedObject) ([]byte, error) {
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// EncodedObject reads packed objects from mapped packs: whole objects
// stream from the pack when read, deltas are resolved when read.
func (s *objectStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	p, mp, off, err := s.locate(h)
	switch {
	case err != nil:
		return nil, err
	case p == nil:
		return s.unpacked(t, h)
	case mp == nil:
		pf, err := s.goGitPack(p)
		if err != nil {
			return nil, err
		}
		obj, err := pf.Get(h)
		if err != nil {
			return nil, err
		}
		if t != plumbing.AnyObject && obj.Type() != t {
			return nil, plumbing.ErrObjectNotFound
		}
		return obj, nil
	}
	obj, err := s.packed(mp, off, h)
	if err != nil {
		return nil, errPack(mp.name, fmt.Errorf("object %s: %w", h, err))
	}
	if t != plumbing.AnyObject && obj.typ != t {
		return nil, plumbing.ErrObjectNotFound
	}
	return obj, nil
}

// unpacked reads an object that no pack holds: loose in the repository,
// else loose in an alternate object directory (git's search order).
func (s *objectStorage) unpacked(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	for _, dir := range s.set.dirs {
		lo, ok, err := looseObject(dir, h)
		if err != nil {
			return nil, err
		}
		if ok {
			if t != plumbing.AnyObject && lo.typ != t {
				return nil, plumbing.ErrObjectNotFound
			}
			return lo, nil
		}
	}
	return nil, plumbing.ErrObjectNotFound
}

func (s *objectStorage) packed(mp *mappedPack, off int64, h plumbing.Hash) (*packedObject, error) {
	hdr, err := parsePackHeader(mp.data, off)
	if err != nil {
		return nil, err
	}
	obj := &packedObject{hash: h, typ: objectType(hdr.typ), size: hdr.size}
	if hdr.typ != gitpack.OfsDelta && hdr.typ != gitpack.RefDelta {
		obj.open = func() (io.ReadCloser, error) {
			in, err := newInflater(mp, mp.data[hdr.data:], hdr.size)
			if err != nil {
				return nil, err
			}
			return &objectReader{in: in}, nil
		}
		return obj, nil
	}
	typ, err := mp.deltaType(off, s.set.cache, s.refBase)
	if err != nil {
		return nil, err
	}
	obj.typ = objectType(typ)
	if obj.size, err = mp.objectSize(off); err != nil {
		return nil, err
	}
	obj.open = func() (io.ReadCloser, error) {
		r, err := mp.stream(off, s.set.cache, s.refBase)
		if err != nil {
			return nil, errPack(mp.name, fmt.Errorf("object %s: %w", h, err))
		}
		return io.NopCloser(r), nil
	}
	return obj, nil
}

// readObject returns the whole content of object h, which must be of type
// want. Packed objects come from the shared delta cache when recently read.
func (s *objectStorage) readObject(h plumbing.Hash, want plumbing.ObjectType) ([]byte, error) {
	_, mp, off, err := s.locate(h)
	if err != nil {
		return nil, err
	}
	if mp == nil {
		obj, err := s.EncodedObject(want, h)
		if err != nil {
			return nil, err
		}
		return readAll(obj)
	}
	typ, data, err := mp.read(off, s.set.cache, s.refBase)
	if err != nil {
		return nil, errPack(mp.name, fmt.Errorf("object %s: %w", h, err))
	}
	if objectType(typ) != want {
		return nil, fmt.Errorf("object %s is a %s, not a %s", h, objectType(typ), want)
	}
	return data, nil
}

// HasEncodedObject answers from the lazy indexes, then from loose files.
func (s *objectStorage) HasEncodedObject(h plumbing.Hash) error {
	if p, _ := s.set.find(h); p != nil {
		return nil
	}
	for _, dir := range s.set.dirs {
		if _, err := os.Stat(loosePath(dir, h)); err == nil {
			return nil
		}
	}
	// a pack written since the set was read
	return s.Storage.HasEncodedObject(h)
}

// EncodedObjectSize answers packed objects from their headers.
func (s *objectStorage) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	p, mp, off, err := s.locate(h)
	switch {
	case err != nil:
		return 0, err
	case p == nil:
		obj, err := s.unpacked(plumbing.AnyObject, h)
		if err != nil {
			return 0, err
		}
		return obj.Size(), nil
	case mp == nil:
		pf, err := s.goGitPack(p)
		if err != nil {
			return 0, err
		}
		return pf.GetSizeByOffset(off)
	}
	return mp.objectSize(off)
}

// packedObject is an object in a mapped pack, read when asked.
type packedObject struct {
	hash plumbing.Hash
	typ  plumbing.ObjectType
	size int64
	open func() (io.ReadCloser, error)
}

func (o *packedObject) Hash() plumbing.Hash             { return o.hash }
func (o *packedObject) Type() plumbing.ObjectType       { return o.typ }
func (o *packedObject) SetType(t plumbing.ObjectType)   { o.typ = t }
func (o *packedObject) Size() int64                     { return o.size }
func (o *packedObject) SetSize(n int64)                 { o.size = n }
func (o *packedObject) Reader() (io.ReadCloser, error)  { return o.open() }
func (o *packedObject) Writer() (io.WriteCloser, error) { return nil, errReadOnly }

var errReadOnly = errors.New("packed objects are read-only")

// objectReader hands a pooled inflater to a caller outside this package:
// after Close it no longer reaches the inflater, so a second Close or a
// late Read cannot touch a stream another reader now owns.
type objectReader struct{ in *inflater }

func (r *objectReader) Read(p []byte) (int, error) {
	if r.in == nil {
		return 0, errReaderClosed
	}
	return r.in.Read(p)
}

func (r *objectReader) Close() error {
	if r.in != nil {
		r.in.Close()
		r.in = nil
	}
	return nil
}

var errReaderClosed = errors.New("read after close")

// readOnlySafeExtensions are repository extensions that change nothing for
// a reader of objects, refs and the index: git sets worktreeConfig for
// sparse checkouts (and leaves it after `sparse-checkout disable`),
// preciousObjects only forbids deleting objects, and in a partial clone a
// missing object is an error like any other. go-git refuses all three.
var readOnlySafeExtensions = []string{"worktreeconfig", "preciousobjects", "partialclone"}

// Config hides the extensions that are safe for reading from go-git's
// check; any other extension (reftable, a new object format) still stops
// the scan.
func (s *objectStorage) Config() (*config.Config, error) {
	cfg, err := s.Storage.Config()
	if err != nil || cfg.Raw == nil || !cfg.Raw.HasSection("extensions") {
		return cfg, err
	}
	ext := cfg.Raw.Section("extensions")
	for _, opt := range append(format.Options(nil), ext.Options...) {
		if slices.Contains(readOnlySafeExtensions, strings.ToLower(opt.Key)) {
			ext.RemoveOption(opt.Key)
		}
	}
	if len(ext.Options) == 0 {
		cfg.Raw.RemoveSection("extensions")
	}
	return cfg, nil
}
