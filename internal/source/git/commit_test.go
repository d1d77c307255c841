package git

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// goGitCommit decodes data with go-git's own decoder.
func goGitCommit(h plumbing.Hash, data []byte) (*object.Commit, error) {
	obj := &plumbing.MemoryObject{}
	obj.SetType(plumbing.CommitObject)
	obj.Write(data)
	c := &object.Commit{}
	if err := c.Decode(obj); err != nil {
		return nil, err
	}
	c.Hash = h
	return c, nil
}

// sameCommit compares what the history scan reads of a commit.
func sameCommit(t testing.TB, data []byte, got, want *object.Commit) {
	t.Helper()
	sig := func(a, b object.Signature) bool {
		_, ao := a.When.Zone()
		_, bo := b.When.Zone()
		return a.Name == b.Name && a.Email == b.Email && a.When.Equal(b.When) && ao == bo
	}
	if got.Hash != want.Hash || got.TreeHash != want.TreeHash || !slices.Equal(got.ParentHashes, want.ParentHashes) ||
		!sig(got.Author, want.Author) || !sig(got.Committer, want.Committer) || got.Message != want.Message || got.Encoding != want.Encoding {
		t.Fatalf("commit %q:\ndecoded %+v\ngo-git  %+v", data, got, want)
	}
}

const (
	treeLine   = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
	parentLine = "parent 1111111111111111111111111111111111111111\n"
	authorLine = "author A U Thor <a@example.com> 1700000000 +0200\n"
	commitLine = "committer C O Mitter <c@example.com> 1700000100 -0530\n"
	signature  = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n"
)

func TestDecodeCanonicalCommit(t *testing.T) {
	h := plumbing.NewHash("2222222222222222222222222222222222222222")
	for _, tc := range []struct {
		data      string
		canonical bool
	}{
		{treeLine + authorLine + commitLine + "\nroot\n", true},
		{treeLine + parentLine + parentLine + authorLine + commitLine + signature + "\nmerge\n\nbody\n", true},
		{treeLine + parentLine + authorLine + commitLine + "encoding ISO-8859-1\nencoding KOI8-R\n\nmsg", true},
		{treeLine + parentLine + authorLine + commitLine + "encoding ISO-8859-1\nmergetag object x\n type commit\n\nmsg", false}, // go-git keeps the merged tag's text
		{treeLine + parentLine + authorLine + commitLine + "x-custom one\n two\n\n", false},                                      // and an extra header's
		{treeLine + authorLine + commitLine, false},                                                                              // no blank line: go-git's to decide
		{treeLine + commitLine + authorLine + "\nswapped\n", false},                                                              // out of order
		{parentLine + treeLine + authorLine + commitLine + "\n", false},
		{"tree 4b825dc6\n" + authorLine + commitLine + "\n", false},
		{treeLine + parentLine + authorLine + commitLine + "parent 3333333333333333333333333333333333333333\n\nlate parent\n", false},
	} {
		got, ok := decodeCanonicalCommit(h, []byte(tc.data))
		if ok != tc.canonical {
			t.Errorf("%q: canonical %v, want %v", tc.data, ok, tc.canonical)
			continue
		}
		if !ok {
			continue
		}
		want, err := goGitCommit(h, []byte(tc.data))
		if err != nil {
			t.Fatalf("%q: go-git: %v", tc.data, err)
		}
		sameCommit(t, []byte(tc.data), got, want)
	}
}

// Whatever the fast decoder accepts, it decodes as go-git does.
func FuzzDecodeCanonicalCommit(f *testing.F) {
	f.Add([]byte(treeLine + parentLine + authorLine + commitLine + signature + "\nmsg\n"))
	f.Add([]byte(treeLine + authorLine + commitLine + "encoding x\n\n"))
	f.Add([]byte(treeLine + "author <> 0 +0000\ncommitter x\n\n"))
	h := plumbing.NewHash(strings.Repeat("ab", 20))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := decodeCanonicalCommit(h, data)
		if !ok {
			return
		}
		want, err := goGitCommit(h, data)
		if err != nil {
			t.Fatalf("%q: accepted, but go-git says %v", data, err)
		}
		sameCommit(t, data, got, want)
	})
}
