package git

import (
	"io"

	"github.com/go-git/go-git/v5/plumbing"
)

// objectData returns the bytes of object h of type typ: read in place
// from the packs and loose objects, or, for what that reader does not
// serve, through go-git's storage.
func (r *Repo) objectData(h plumbing.Hash, typ plumbing.ObjectType) ([]byte, error) {
	if data, err := r.objects.readObject(h, typ); err == nil {
		return data, nil
	}
	obj, err := r.repo.Storer.EncodedObject(typ, h)
	if err != nil {
		return nil, err
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// readCommit reads commit h: tree, parents, author, committer, encoding,
// message, and the text of a merged tag or extra headers, which are
// published with the commit; never signatures, which a walk may hold for
// many commits at once.
func (r *Repo) readCommit(h plumbing.Hash) (*commit, error) {
	data, err := r.objectData(h, plumbing.CommitObject)
	if err != nil {
		return nil, err
	}
	return decodeCommit(h, data)
}

// readTag reads annotated tag h.
func (r *Repo) readTag(h plumbing.Hash) (*tag, error) {
	data, err := r.objectData(h, plumbing.TagObject)
	if err != nil {
		return nil, err
	}
	return decodeTag(h, data)
}
