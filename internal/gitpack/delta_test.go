package gitpack

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
)

const testLimit = 1 << 30

func TestApply(t *testing.T) {
	base := []byte("hello, world\n")
	// copy "hello, " from the base, insert "git", copy "\n"
	out, err := Apply(base, []byte{13, 11, 0x90, 7, 3, 'g', 'i', 't', 0x91, 12, 1}, testLimit)
	if err != nil || string(out) != "hello, git\n" {
		t.Fatalf("got %q, %v", out, err)
	}
	for _, bad := range [][]byte{
		{14, 11, 0x90, 7, 3, 'g', 'i', 't', 0x91, 12, 1}, // wrong base size
		{13, 12, 0x90, 7, 3, 'g', 'i', 't', 0x91, 12, 1}, // wrong result size
		{13, 11, 0x90, 7, 3, 'g', 'i', 't', 0x91, 12, 2}, // copy past the base
		{13, 11, 0x90, 7, 9, 'g', 'i', 't'},              // insert past the end
		{13, 11, 0},                                      // reserved instruction
		{13},                                             // no result size
	} {
		if out, err := Apply(base, bad, testLimit); !errors.Is(err, ErrCorrupt) {
			t.Errorf("delta %v: got %q, %v; want a damaged-pack error", bad, out, err)
		}
	}
}

// Apply never panics, and a result always has the size the delta
// declares.
func FuzzApplyDelta(f *testing.F) {
	f.Add([]byte("hello, world\n"), []byte{13, 11, 0x90, 7, 3, 'g', 'i', 't', 0x91, 12, 1})
	f.Add([]byte(""), []byte{0, 3, 3, 'a', 'b', 'c'})
	f.Add(bytes.Repeat([]byte("ab"), 300), []byte{0xd8, 0x04, 0xb0, 0x09, 0x91, 0x00, 0x58, 0x02, 0x90, 0x58, 0x91, 0x10, 0x20})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		out, err := Apply(base, delta, 1<<16)
		if err != nil {
			return
		}
		_, rest, _ := Varint(delta)
		want, _, _ := Varint(rest)
		if int64(len(out)) != want {
			t.Fatalf("result of %d bytes, delta declares %d", len(out), want)
		}
	})
}

// A delta bomb, a few kilobytes of copy instructions that claim gigabytes
// of output, is refused before anything is built, as is a delta whose
// instructions do not add up to what it declares.
func TestDeltaBombIsAnError(t *testing.T) {
	base := bytes.Repeat([]byte("x"), 1<<16)
	varint := func(v int64) []byte {
		var out []byte
		for {
			c := byte(v & 0x7f)
			v >>= 7
			if v == 0 {
				return append(out, c)
			}
			out = append(out, c|0x80)
		}
	}
	// 2,000 copies of the whole 64 KiB base: 8 KB of instructions, 2.7 GB
	// claimed (131 MB really produced by these copies)
	build := func(claim int64, copies int) []byte {
		d := append(varint(int64(len(base))), varint(claim)...)
		for i := 0; i < copies; i++ {
			d = append(d, 0x80) // offset 0, size 0x10000
		}
		return d
	}
	for _, c := range []struct {
		claim  int64
		copies int
	}{{2_700_000_000, 8000}, {int64(2000) << 16, 2001}, {int64(2000) << 16, 1999}} {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		out, err := Apply(base, build(c.claim, c.copies), testLimit)
		runtime.ReadMemStats(&ms)
		if !errors.Is(err, ErrCorrupt) || out != nil {
			t.Fatalf("claim %d with %d copies: %v", c.claim, c.copies, err)
		}
		if grew := ms.TotalAlloc - before; grew > 1<<20 {
			t.Fatalf("claim %d: %d bytes allocated before refusing", c.claim, grew)
		}
	}
	// a delta that streams: the result is never built whole
	r, err := NewReader(base, build(int64(3)<<16, 3), testLimit)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	if err != nil || n != 3<<16 {
		t.Fatal(n, err)
	}
}
