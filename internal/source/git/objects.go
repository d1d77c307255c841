package git

import (
	"path"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// objectStorage is go-git's filesystem storage with packed objects read
// through packIndex: pack lookups binary-search the mapped .idx files, and
// loose objects and alternates are left to go-git.
type objectStorage struct {
	*filesystem.Storage
	fs    billy.Filesystem
	cache cache.Object
	packs []*lazyPack
}

type lazyPack struct {
	name string // objects/pack/pack-<id>.pack
	idx  *packIndex

	once sync.Once
	pf   *packfile.Packfile
	err  error
}

// newObjectStorage opens the pack indexes under objects/pack. A pack index
// that cannot be read is an error: its objects would be missing silently.
func newObjectStorage(st *filesystem.Storage, fs billy.Filesystem, objects cache.Object, packDir string) (*objectStorage, error) {
	s := &objectStorage{Storage: st, fs: fs, cache: objects}
	entries, err := fs.ReadDir(packDir)
	if err != nil {
		return s, nil // no packs yet
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "pack-") || !strings.HasSuffix(name, ".idx") {
			continue
		}
		data, _, err := mapFile(fs.Join(fs.Root(), packDir, name))
		if err != nil {
			return nil, errPack(name, err)
		}
		idx, err := parsePackIndex(data)
		if err != nil {
			return nil, errPack(name, err)
		}
		s.packs = append(s.packs, &lazyPack{name: path.Join(packDir, strings.TrimSuffix(name, ".idx")+".pack"), idx: idx})
	}
	return s, nil
}

func (s *objectStorage) packfile(p *lazyPack) (*packfile.Packfile, error) {
	p.once.Do(func() {
		f, err := s.fs.Open(p.name)
		if err != nil {
			p.err = errPack(p.name, err)
			return
		}
		p.pf = packfile.NewPackfileWithCache(p.idx, s.fs, f, s.cache, largeObject)
	})
	return p.pf, p.err
}

// find returns the pack holding h, if any.
func (s *objectStorage) find(h plumbing.Hash) *lazyPack {
	for _, p := range s.packs {
		if p.idx.position(h) >= 0 {
			return p
		}
	}
	return nil
}

// EncodedObject reads packed objects through the lazy indexes.
func (s *objectStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	p := s.find(h)
	if p == nil {
		return s.Storage.EncodedObject(t, h)
	}
	pf, err := s.packfile(p)
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

// HasEncodedObject answers from the lazy indexes first.
func (s *objectStorage) HasEncodedObject(h plumbing.Hash) error {
	if s.find(h) != nil {
		return nil
	}
	return s.Storage.HasEncodedObject(h)
}

// EncodedObjectSize answers packed objects from their headers.
func (s *objectStorage) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	p := s.find(h)
	if p == nil {
		return s.Storage.EncodedObjectSize(h)
	}
	pf, err := s.packfile(p)
	if err != nil {
		return 0, err
	}
	off, err := p.idx.FindOffset(h)
	if err != nil {
		return 0, err
	}
	return pf.GetSizeByOffset(off)
}
