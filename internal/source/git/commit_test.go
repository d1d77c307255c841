package git

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// The commit and tag decoders are held to go-git's (linked by the tests
// only): the same verdict on every input, and the same fields.

func goGitObject(typ plumbing.ObjectType, data []byte) *plumbing.MemoryObject {
	obj := &plumbing.MemoryObject{}
	obj.SetType(typ)
	obj.Write(data)
	return obj
}

func sameSignature(a signature, b object.Signature) bool {
	_, ao := a.When.Zone()
	_, bo := b.When.Zone()
	return a.Name == b.Name && a.Email == b.Email && a.When.Equal(b.When) && ao == bo
}

// checkCommit decodes data with both decoders and compares.
func checkCommit(t testing.TB, data []byte) {
	t.Helper()
	h := plumbing.NewHash(strings.Repeat("ab", 20))
	got, err := decodeCommit(h, data)
	want := &object.Commit{}
	wantErr := want.Decode(goGitObject(plumbing.CommitObject, data))
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("commit %q: error %v, go-git's %v", data, err, wantErr)
	}
	if err != nil {
		return
	}
	extra := make([]extraHeader, len(want.ExtraHeaders))
	for i, x := range want.ExtraHeaders {
		extra[i] = extraHeader{Key: x.Key, Value: x.Value}
	}
	if got.TreeHash != want.TreeHash || !slices.Equal(got.ParentHashes, want.ParentHashes) ||
		!sameSignature(got.Author, want.Author) || !sameSignature(got.Committer, want.Committer) ||
		got.Message != want.Message || got.Encoding != string(want.Encoding) || got.MergeTag != want.MergeTag ||
		!slices.Equal(got.ExtraHeaders, extra) {
		t.Fatalf("commit %q:\ndecoded %+v\ngo-git  %+v", data, got, want)
	}
}

// checkTag decodes data with both decoders and compares.
func checkTag(t testing.TB, data []byte) {
	t.Helper()
	h := plumbing.NewHash(strings.Repeat("cd", 20))
	got, err := decodeTag(h, data)
	want := &object.Tag{}
	wantErr := want.Decode(goGitObject(plumbing.TagObject, data))
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("tag %q: error %v, go-git's %v", data, err, wantErr)
	}
	if err != nil {
		return
	}
	if got.Target != want.Target || got.TargetType != want.TargetType || got.Name != want.Name ||
		!sameSignature(got.Tagger, want.Tagger) || got.Message != want.Message {
		t.Fatalf("tag %q:\ndecoded %+v\ngo-git  %+v", data, got, want)
	}
}

const (
	treeLine   = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
	parentLine = "parent 1111111111111111111111111111111111111111\n"
	authorLine = "author A U Thor <a@example.com> 1700000000 +0200\n"
	commitLine = "committer C O Mitter <c@example.com> 1700000100 -0530\n"
	gpgsig     = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n"
	objectLine = "object 1111111111111111111111111111111111111111\n"
	taggerLine = "tagger T Agger <t@example.com> 1700000200 +0000\n"
)

var commitSeeds = []string{
	treeLine + authorLine + commitLine + "\nroot\n",
	treeLine + parentLine + parentLine + authorLine + commitLine + gpgsig + "\nmerge\n\nbody\n",
	treeLine + parentLine + authorLine + commitLine + "encoding ISO-8859-1\nencoding KOI8-R\n\nmsg",
	treeLine + parentLine + authorLine + commitLine + "encoding ISO-8859-1\nmergetag object x\n type commit\n tag v1\n\nmsg",
	treeLine + parentLine + authorLine + commitLine + "mergetag a\n b\nmergetag c\n d\n\nmsg",
	treeLine + parentLine + authorLine + commitLine + "x-custom one\n two\n\n",
	treeLine + parentLine + authorLine + commitLine + "x-flag\nx-last value",
	treeLine + parentLine + authorLine + commitLine + "x-cont one\n two",
	treeLine + authorLine + commitLine,
	treeLine + commitLine + authorLine + "\nswapped\n",
	parentLine + treeLine + authorLine + commitLine + "\n",
	"tree 4b825dc6\n" + authorLine + commitLine + "\n",
	treeLine + "parent 11\n" + authorLine + "\n",
	treeLine + parentLine + authorLine + commitLine + "parent 3333333333333333333333333333333333333333\n\nlate parent\n",
	treeLine + "author <> 0 +0000\ncommitter x\n\n",
	treeLine + "author Name <e> notatime +0100\ncommitter N <e> 12 +01\n\n",
	treeLine + "author Name <e> 12 -0130\ncommitter N <e> 12 +01x0\n\n",
	treeLine + "author > odd < 5\n\n",
	treeLine + gpgsig + "\n",
	treeLine + "gpgsig-sha256 a\n b\n\n",
	treeLine,
	strings.TrimSuffix(treeLine, "\n"),
	"",
	"\n",
	treeLine + "\n",
	treeLine + parentLine,
	treeLine + "x y\n\n\n\nmessage after blank lines\n",
}

func TestDecodeCommitAsGoGitDoes(t *testing.T) {
	for _, s := range commitSeeds {
		checkCommit(t, []byte(s))
	}
}

var tagSeeds = []string{
	objectLine + "type commit\ntag v1.0\n" + taggerLine + "\nrelease\n",
	objectLine + "type commit\ntag v1.0\n" + taggerLine + "\nsigned\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n",
	objectLine + "type commit\ntag v1.0\n" + taggerLine + "\nssh\n-----BEGIN SSH SIGNATURE-----\nabc\n",
	objectLine + "type tree\ntag t\n\nno tagger\n",
	objectLine + "type blob\ntag b\n" + taggerLine + "gpgsig-sha256 x\n y\nother z\n\nmsg",
	objectLine + "type commit\ntag v1.0\n" + taggerLine,
	objectLine + "type commit\ntag v1.0",
	objectLine + "type nothing\ntag v1.0\n\n",
	objectLine + "tag v1.0\ntype commit\n\n",
	"type commit\n" + objectLine + "tag v\n\n",
	"object 12\ntype commit\ntag v\n\n",
	objectLine + "type commit\n",
	objectLine,
	"",
}

func TestDecodeTagAsGoGitDoes(t *testing.T) {
	for _, s := range tagSeeds {
		checkTag(t, []byte(s))
	}
}

func FuzzDecodeCommit(f *testing.F) {
	for _, s := range commitSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkCommit(t, data) })
}

func FuzzDecodeTag(f *testing.F) {
	for _, s := range tagSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkTag(t, data) })
}
