package git

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"fmt"
	"github.com/leakhound/leakhound/internal/gitpack"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// deltaRepo builds a history whose packs hold long delta chains: files
// edited in many small steps, one larger than a delta copy's 64 KiB unit,
// binary content, a rename, nested directories and an executable.
func deltaRepo(t *testing.T) string {
	dir := makeRepo(t, "")
	rng := rand.New(rand.NewSource(1))
	big := make([]byte, 200_000)
	rng.Read(big)
	lines := []string{}
	for i := 0; i < 40; i++ {
		lines = append(lines, fmt.Sprintf("line %d of a file that is edited in small steps", i))
		os.WriteFile(filepath.Join(dir, "d/e/c.txt"), []byte(strings.Join(lines, "\n")), 0o644)
		big[rng.Intn(len(big))] ^= 0xff
		os.WriteFile(filepath.Join(dir, "d/big.bin"), big, 0o644)
		if i%7 == 0 {
			os.WriteFile(filepath.Join(dir, "tool.sh"), []byte("#!/bin/sh\necho "+strconv.Itoa(i)+"\n"), 0o755)
		}
		if i == 20 {
			gitCmd(t, dir, "mv", "a.txt", "renamed.txt")
		}
		gitCmd(t, dir, "add", "-A")
		gitCmd(t, dir, "commit", "-q", "-m", "edit "+strconv.Itoa(i))
	}
	return dir
}

type gitObject struct {
	typ  plumbing.ObjectType
	data []byte
}

// allObjects reads every object of the repository with git itself.
func allObjects(t *testing.T, dir string) map[plumbing.Hash]gitObject {
	out := bufio.NewReader(bytes.NewReader(gitOut(t, dir, nil, "cat-file", "--batch-all-objects", "--batch")))
	objs := map[plumbing.Hash]gitObject{}
	for {
		line, err := out.ReadString('\n')
		if err == io.EOF {
			return objs
		}
		f := strings.Fields(line)
		if err != nil || len(f) != 3 {
			t.Fatalf("cat-file header %q: %v", line, err)
		}
		size, _ := strconv.Atoi(f[2])
		data := make([]byte, size+1)
		if _, err := io.ReadFull(out, data); err != nil {
			t.Fatal(err)
		}
		typ, _ := plumbing.ParseObjectType(f[1])
		objs[plumbing.NewHash(f[0])] = gitObject{typ, data[:size]}
	}
}

// deltaBases counts the packed objects git stored as deltas.
func deltaBases(t *testing.T, dir string) int {
	out := gitOut(t, dir, nil, "cat-file", "--batch-all-objects", "--batch-check=%(deltabase)")
	return len(strings.Fields(string(out))) - strings.Count(string(out), plumbing.ZeroHash.String())
}

// Every object read from a pack, whole or through a delta chain, stored
// with offsets or with ids for bases, equals what git reads.
func TestPackReadsLikeGit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		repack   []string
		unmapped bool // read by go-git, as where packs cannot be mapped
	}{
		{"offset deltas", []string{"repack", "-adfq", "--depth=50", "--window=50"}, false},
		{"ref deltas", []string{"-c", "repack.useDeltaBaseOffset=false", "repack", "-adfq", "--depth=50", "--window=50"}, false},
		{"unmapped", []string{"repack", "-adfq", "--depth=50", "--window=50"}, true},
		// a delta's size read from its whole data, not a prefix
		{"short size prefix", []string{"repack", "-adfq", "--depth=50", "--window=50"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "short size prefix" {
				deltaHeadInput = 3
				defer func() { deltaHeadInput = 512 }()
			}
			if tc.unmapped {
				mapPackFile = func(string) ([]byte, func(), bool, error) { return nil, nil, false, nil }
				defer func() { mapPackFile = mapPack }()
			}
			dir := deltaRepo(t)
			gitCmd(t, dir, tc.repack...)
			if n := deltaBases(t, dir); n < 20 {
				t.Fatalf("only %d deltas in the pack: the test needs delta chains", n)
			}
			want := allObjects(t, dir)
			r, err := Open(dir, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			if len(r.packs.packs) != 1 {
				t.Fatalf("%d packs", len(r.packs.packs))
			}
			for h, w := range want {
				obj, err := r.objects.EncodedObject(plumbing.AnyObject, h)
				if err != nil {
					t.Fatalf("%s: %v", h, err)
				}
				if _, ok := obj.(*packedObject); ok == tc.unmapped {
					t.Fatalf("%s: read as %T", h, obj)
				}
				size, err := r.objects.EncodedObjectSize(h)
				if err != nil || size != int64(len(w.data)) || obj.Size() != size {
					t.Fatalf("%s: size %d/%d (%v), want %d", h, size, obj.Size(), err, len(w.data))
				}
				got, err := readAll(obj)
				if err != nil {
					t.Fatalf("%s: %v", h, err)
				}
				if obj.Type() != w.typ || !bytes.Equal(got, w.data) {
					t.Fatalf("%s: read a %s of %d bytes, want a %s of %d", h, obj.Type(), len(got), w.typ, len(w.data))
				}
				again, err := r.objects.readObject(h, w.typ)
				if err != nil || !bytes.Equal(again, w.data) {
					t.Fatalf("%s: readObject: %v", h, err)
				}
			}
		})
	}
}

// A damaged pack gives errors, never a panic or a hang. Damage in an
// object's compressed data is always detected (zlib's checksum).
func TestPackDamaged(t *testing.T) {
	dir := deltaRepo(t)
	gitCmd(t, dir, "repack", "-adfq")
	want := allObjects(t, dir)
	packs, _ := filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.pack"))
	orig, err := os.ReadFile(packs[0])
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(packs[0], 0o644)
	// where each object's compressed data starts and ends
	r0, err := Open(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	idx := r0.packs.packs[0].idx
	type span struct {
		h          plumbing.Hash
		start, end int64 // zlib data
	}
	var spans []span
	for i := 0; i < idx.count; i++ {
		off, _ := idx.offset(i)
		hdr, err := parsePackHeader(orig, off)
		if err != nil {
			t.Fatal(err)
		}
		var h plumbing.Hash
		copy(h[:], idx.name(i))
		spans = append(spans, span{h, hdr.data, 0})
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].start < spans[b].start })
	for i := range spans {
		spans[i].end = int64(len(orig) - 20)
		if i+1 < len(spans) {
			next, _ := idx.FindOffset(spans[i+1].h)
			spans[i].end = next
		}
	}
	rng := rand.New(rand.NewSource(2))
	hits := 0
	for round := 0; round < 40; round++ {
		damaged := append([]byte(nil), orig...)
		at := 12 + rng.Intn(len(orig)-32)
		damaged[at] ^= byte(1 + rng.Intn(255))
		var hit plumbing.Hash
		for _, s := range spans {
			if int64(at) >= s.start && int64(at) < s.end {
				hit = s.h
			}
		}
		if err := os.WriteFile(packs[0], damaged, 0o644); err != nil {
			t.Fatal(err)
		}
		// Only header damage (a size or base offset rewritten to another
		// valid value) can go unnoticed without hashing objects, and
		// damage to bits deflate does not read (the padding after the
		// last block), which leaves the object as it was.
		if hit != plumbing.ZeroHash {
			hits++
			if !unreadable(t, dir, want)[hit] && !readsAsBefore(t, dir, hit, want[hit]) {
				t.Errorf("round %d: damage at byte %d, in the compressed data of %s, went unnoticed", round, at, hit)
			}
		}
	}
	if hits < 20 {
		t.Fatalf("only %d of 40 rounds damaged compressed data", hits)
	}
	// cut in half: every object whose data starts past the cut fails
	cut := int64(len(orig) / 2)
	if err := os.WriteFile(packs[0], orig[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	failed := unreadable(t, dir, want)
	for _, s := range spans {
		if s.start >= cut && !failed[s.h] {
			t.Errorf("%s, past the cut, read without an error", s.h)
		}
	}
}

// unreadable opens the repository at dir afresh and returns the objects of
// want that cannot be read whole; none may panic.
func unreadable(t *testing.T, dir string, want map[plumbing.Hash]gitObject) map[plumbing.Hash]bool {
	t.Helper()
	r, err := Open(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	failed := map[plumbing.Hash]bool{}
	for h := range want {
		obj, err := r.objects.EncodedObject(plumbing.AnyObject, h)
		if err == nil {
			_, err = readAll(obj)
		}
		if err != nil {
			failed[h] = true
		}
	}
	return failed
}

// readsAsBefore reports whether object h reads back from dir's packs
// whole and as want holds it.
func readsAsBefore(t *testing.T, dir string, h plumbing.Hash, want gitObject) bool {
	t.Helper()
	r, err := Open(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	obj, err := r.objects.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return false
	}
	data, err := readAll(obj)
	return err == nil && bytes.Equal(data, want.data)
}

// packOf builds a pack's bytes from raw objects (type, data) for tests and
// fuzz seeds, and returns them with each object's offset. An offset delta
// applies to the object before it.
func packOf(objs ...packTestObject) ([]byte, []int64) {
	var b bytes.Buffer
	b.WriteString("PACK\x00\x00\x00\x02")
	b.Write([]byte{0, 0, 0, byte(len(objs))})
	var offs []int
	for _, o := range objs {
		offs = append(offs, b.Len())
		size := len(o.data)
		c := o.typ<<4 | byte(size&15)
		size >>= 4
		for size > 0 {
			b.WriteByte(c | 0x80)
			c = byte(size & 0x7f)
			size >>= 7
		}
		b.WriteByte(c)
		if o.typ == gitpack.OfsDelta {
			rel := offs[len(offs)-1] - offs[len(offs)-2]
			var enc []byte
			enc = append(enc, byte(rel&0x7f))
			for rel >>= 7; rel > 0; rel >>= 7 {
				rel--
				enc = append([]byte{byte(0x80 | rel&0x7f)}, enc...)
			}
			b.Write(enc)
		}
		zw := zlib.NewWriter(&b)
		zw.Write(o.data)
		zw.Close()
	}
	b.Write(make([]byte, 20)) // trailing checksum, not verified here
	offsets := make([]int64, len(offs))
	for i, o := range offs {
		offsets[i] = int64(o)
	}
	return b.Bytes(), offsets
}

type packTestObject struct {
	typ  byte
	data []byte
}

// readPackBytes reads the object at off of a pack held in memory.
func readPackBytes(data []byte, off int64) (byte, []byte, error) {
	if len(data) < 32 {
		return 0, nil, errCorruptPack
	}
	idx, err := parsePackIndex(append(append(append([]byte{}, idxMagic...), 0, 0, 0, 2), make([]byte, 256*4+40)...))
	if err != nil {
		return 0, nil, err
	}
	p := &mappedPack{name: "test", data: data[:len(data)-20], idx: idx}
	return p.read(off, newDeltaCache(1<<20, 1<<20), func(plumbing.Hash) (byte, []byte, error) {
		return 0, nil, plumbing.ErrObjectNotFound
	})
}

func TestPackDelta(t *testing.T) {
	base := []byte("hello, world\n")
	// copy "hello, " from the base, insert "git", copy "\n"
	delta := []byte{13, 11, 0x90, 7, 3, 'g', 'i', 't', 0x91, 12, 1}
	pack, offs := packOf(packTestObject{gitpack.Blob, base}, packTestObject{gitpack.OfsDelta, delta})
	typ, got, err := readPackBytes(pack, offs[1])
	if err != nil || typ != gitpack.Blob || string(got) != "hello, git\n" {
		t.Fatalf("got %d %q %v", typ, got, err)
	}
}

// The reader never panics on arbitrary pack bytes, and what it returns is
// consistent: a whole object is exactly its header's size.
func FuzzPackRead(f *testing.F) {
	pack, offs := packOf(packTestObject{gitpack.Blob, []byte("hello, world\n")}, packTestObject{gitpack.OfsDelta, []byte{13, 11, 0x90, 7, 3, 'g', 'i', 't', 0x91, 12, 1}})
	f.Add(pack, offs[1])
	pack, offs = packOf(packTestObject{gitpack.Tree, []byte("100644 a\x00aaaaaaaaaaaaaaaaaaaa")})
	f.Add(pack, offs[0])
	pack, offs = packOf(packTestObject{gitpack.Commit, bytes.Repeat([]byte("x"), 300)})
	f.Add(pack, offs[0])
	f.Fuzz(func(t *testing.T, data []byte, off int64) {
		typ, got, err := readPackBytes(data, off)
		if err != nil {
			return
		}
		if objectType(typ) == plumbing.InvalidObject {
			t.Fatalf("read an object of type %d", typ)
		}
		if h, err := parsePackHeader(data[:len(data)-20], off); err == nil && h.typ != gitpack.OfsDelta && h.typ != gitpack.RefDelta && int64(len(got)) != h.size {
			t.Fatalf("read %d bytes, header says %d", len(got), h.size)
		}
	})
}

// The tree reader never panics, and what it accepts round-trips: entries
// written back in git's form read back as the same entries.
func FuzzTreeReader(f *testing.F) {
	f.Add([]byte("100644 a.txt\x00aaaaaaaaaaaaaaaaaaaa40000 d\x00bbbbbbbbbbbbbbbbbbbb"))
	f.Add([]byte("160000 sub\x00cccccccccccccccccccc120000 link\x00dddddddddddddddddddd"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries := readEntries(data)
		if entries == nil {
			return
		}
		var again []byte
		for _, e := range entries {
			again = strconv.AppendUint(again, uint64(e.mode), 8)
			again = append(again, ' ')
			again = append(again, e.name...)
			again = append(again, 0)
			again = append(again, e.hash[:]...)
		}
		back := readEntries(again)
		if len(back) != len(entries) {
			t.Fatalf("%d entries read back as %d", len(entries), len(back))
		}
		for i := range back {
			if back[i].mode != entries[i].mode || !bytes.Equal(back[i].name, entries[i].name) || back[i].hash != entries[i].hash {
				t.Fatalf("entry %d read back differently", i)
			}
		}
	})
}

// readEntries returns a tree's entries, or nil if it is malformed or empty.
func readEntries(data []byte) []treeEntry {
	rd := newTreeReader(&tree{data: data})
	var out []treeEntry
	for e, ok := rd.next(); ok; e, ok = rd.next() {
		out = append(out, e)
	}
	if rd.err != nil {
		return nil
	}
	return out
}

// A reader closed twice returns its inflater to the pool once: the second
// Close and a late Read do not disturb another object's stream.
func TestObjectReaderCloseTwice(t *testing.T) {
	dir := deltaRepo(t)
	gitCmd(t, dir, "repack", "-adq")
	want := allObjects(t, dir)
	r, err := Open(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var blobs []plumbing.Hash // stored whole: these stream from the pack
	for h, o := range want {
		if o.typ != plumbing.BlobObject || len(o.data) < 1000 {
			continue
		}
		obj, _ := r.objects.EncodedObject(plumbing.AnyObject, h)
		rd, err := obj.Reader()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := rd.(*objectReader); ok {
			blobs = append(blobs, h)
		}
		rd.Close()
	}
	if len(blobs) < 3 {
		t.Fatalf("%d whole blobs", len(blobs))
	}
	first, _ := r.objects.EncodedObject(plumbing.AnyObject, blobs[0])
	rd, err := first.Reader()
	if err != nil {
		t.Fatal(err)
	}
	rd.Close()
	second, _ := r.objects.EncodedObject(plumbing.AnyObject, blobs[1])
	rd2, err := second.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd2.Close()
	rd.Close()
	if _, err := rd.Read(make([]byte, 10)); err == nil {
		t.Fatal("read after close succeeded")
	}
	third, _ := r.objects.EncodedObject(plumbing.AnyObject, blobs[2])
	rd3, _ := third.Reader()
	defer rd3.Close()
	got2, err := io.ReadAll(rd2)
	if err != nil || !bytes.Equal(got2, want[blobs[1]].data) {
		t.Fatalf("second reader disturbed: %v", err)
	}
}

// The delta cache is as large as the packs, within its bounds: a small
// repository does not pay for a cache it cannot fill.
func TestDeltaCacheBudget(t *testing.T) {
	for _, tc := range []struct{ pack, want int64 }{
		{0, minDeltaCache}, {2 << 20, minDeltaCache}, {13 << 20, 13 << 20}, {44 << 20, maxDeltaCache}, {1 << 40, maxDeltaCache},
	} {
		if got := deltaCacheBudget(tc.pack); got != tc.want {
			t.Errorf("packs of %d bytes: cache %d, want %d", tc.pack, got, tc.want)
		}
	}
	dir := deltaRepo(t)
	gitCmd(t, dir, "repack", "-adq")
	r, err := Open(dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if r.packs.cache.budget != minDeltaCache {
		t.Errorf("a small repository's delta cache: %d bytes", r.packs.cache.budget)
	}

	// larger objects make room for four of them, up to the maximum;
	// past a quarter of it, an object has the one large slot
	c := newDeltaCache(minDeltaCache, maxDeltaCache)
	p := &mappedPack{}
	c.put(cacheKey{p, 1}, gitpack.Blob, make([]byte, 3<<20))
	c.put(cacheKey{p, 2}, gitpack.Blob, make([]byte, 3<<20))
	c.put(cacheKey{p, 3}, gitpack.Blob, make([]byte, 3<<20))
	for off := int64(1); off <= 3; off++ {
		if _, _, ok := c.get(cacheKey{p, off}); !ok {
			t.Errorf("3 MiB object %d was evicted from a cache that grew to %d bytes", off, c.budget)
		}
	}
	c.put(cacheKey{p, 4}, gitpack.Blob, make([]byte, 20<<20))
	if c.budget > maxDeltaCache || c.large == nil || c.large.key.off != 4 {
		t.Errorf("a 20 MiB object: budget %d, large slot %v", c.budget, c.large)
	}
}
