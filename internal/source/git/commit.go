package git

import (
	"bytes"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// readCommit reads commit h for the history walk, with what the scan uses
// (tree, parents, author, committer, encoding, message, and the text of a
// merged tag or extra headers, which are published with the commit), never
// signatures, which a walk may hold for many commits at once. A commit in
// git's canonical layout without such headers is decoded here, in one
// pass over its bytes; anything else, and every error, is left to go-git's
// decoder, which is several times slower (a line-by-line reader and string
// building for each signature line).
func (r *Repo) readCommit(h plumbing.Hash) (*object.Commit, error) {
	if data, err := r.objects.readObject(h, plumbing.CommitObject); err == nil {
		if c, ok := decodeCanonicalCommit(h, data); ok {
			return c, nil
		}
	}
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return nil, err
	}
	c.PGPSignature = ""
	return c, nil
}

// decodeCanonicalCommit decodes data as go-git does when it is laid out as
// git writes commits: "tree", then "parent" lines, "author", "committer",
// "encoding" and signature headers (continuation lines begin with a
// space), a blank line and the message. ok is false for anything else,
// a merged tag or an extra header included (go-git keeps their text).
func decodeCanonicalCommit(h plumbing.Hash, data []byte) (c *object.Commit, ok bool) {
	line := func() ([]byte, bool) {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil, false
		}
		l := data[:i]
		data = data[i+1:]
		return l, true
	}
	hashAfter := func(l []byte, key string) (plumbing.Hash, bool) {
		v, found := bytes.CutPrefix(l, []byte(key))
		if !found || !plumbing.IsHash(string(v)) {
			return plumbing.ZeroHash, false
		}
		return plumbing.NewHash(string(v)), true
	}
	c = &object.Commit{Hash: h, Encoding: "UTF-8"} // go-git's default
	l, ok := line()
	if !ok {
		return nil, false
	}
	if c.TreeHash, ok = hashAfter(l, "tree "); !ok {
		return nil, false
	}
	for {
		if l, ok = line(); !ok {
			return nil, false
		}
		if !bytes.HasPrefix(l, []byte("parent ")) {
			break
		}
		p, ok := hashAfter(l, "parent ")
		if !ok {
			return nil, false
		}
		c.ParentHashes = append(c.ParentHashes, p)
	}
	author, found := bytes.CutPrefix(l, []byte("author "))
	if !found {
		return nil, false
	}
	c.Author.Decode(author)
	if l, ok = line(); !ok {
		return nil, false
	}
	committer, found := bytes.CutPrefix(l, []byte("committer "))
	if !found {
		return nil, false
	}
	c.Committer.Decode(committer)
	sawEncoding := false
	for {
		if l, ok = line(); !ok {
			return nil, false
		}
		if len(l) == 0 {
			break
		}
		if l[0] == ' ' {
			continue // a signature's, a merge tag's or an extra header's
		}
		key, value, _ := bytes.Cut(l, []byte{' '})
		switch string(key) {
		case "encoding":
			if !sawEncoding {
				c.Encoding = object.MessageEncoding(value)
				sawEncoding = true
			}
		case "gpgsig", "gpgsig-sha256":
		default:
			// out of place ("tree", "parent", ...: go-git's rules), a
			// merged tag or an extra header: go-git decodes their text
			return nil, false
		}
	}
	c.Message = string(data)
	return c, true
}
