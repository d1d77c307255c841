package git

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// The lazy index agrees with git: every object's offset and CRC as
// `git verify-pack -v` prints them, and the reverse lookup.
func TestPackIndexMatchesGit(t *testing.T) {
	dir := makeRepo(t, "")
	for i := 0; i < 5; i++ {
		os.WriteFile(filepath.Join(dir, "d/e/c.txt"), []byte(strings.Repeat("line\n", 50+i)), 0o644)
		gitCmd(t, dir, "commit", "-q", "-am", "edit "+strconv.Itoa(i))
	}
	gitCmd(t, dir, "repack", "-adq")
	idxFiles, _ := filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.idx"))
	if len(idxFiles) != 1 {
		t.Fatalf("%d pack indexes", len(idxFiles))
	}
	data, err := os.ReadFile(idxFiles[0])
	if err != nil {
		t.Fatal(err)
	}
	p, err := parsePackIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(gitCmd(t, dir, "verify-pack", "-v", idxFiles[0]), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || len(f[0]) != 40 {
			continue
		}
		h := plumbing.NewHash(f[0])
		want, _ := strconv.ParseInt(f[4], 10, 64)
		got, err := p.FindOffset(h)
		if err != nil || got != want {
			t.Fatalf("%s: offset %d, %v; git says %d", f[0], got, err, want)
		}
		back, err := p.FindHash(got)
		if err != nil || back != h {
			t.Fatalf("FindHash(%d) = %s, %v", got, back, err)
		}
		n++
	}
	if c, _ := p.Count(); int(c) != n || n < 10 {
		t.Fatalf("count %d, git listed %d", c, n)
	}
	if ok, _ := p.Contains(plumbing.NewHash(strings.Repeat("ab", 20))); ok {
		t.Fatal("contains an object that is not there")
	}
	if _, err := parsePackIndex(data[:100]); err == nil {
		t.Fatal("truncated index accepted")
	}
}

// A damaged .idx (fan-out not increasing or past the object count, offsets
// out of range) is an error or answers lookups without panicking.
func FuzzPackIndex(f *testing.F) {
	valid := append(append([]byte{}, idxMagic...), 0, 0, 0, 2)
	fan := make([]byte, 256*4)
	for i := 0x61; i < 256; i++ {
		binary.BigEndian.PutUint32(fan[4*i:], 1)
	}
	valid = append(valid, fan...)
	valid = append(valid, bytes.Repeat([]byte{0x61}, 20)...) // name
	valid = append(valid, 0, 0, 0, 0)                        // crc
	valid = append(valid, 0x80, 0, 0, 0)                     // a large offset, index 0
	valid = append(valid, 0, 0, 0, 0, 0, 0, 0, 12)           // the large offset
	valid = append(valid, make([]byte, 40)...)
	f.Add(valid)
	bad := append([]byte{}, valid...)
	binary.BigEndian.PutUint32(bad[8+4*0x10:], 7) // fan-out above the count
	f.Add(bad)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parsePackIndex(data)
		if err != nil {
			return
		}
		var h plumbing.Hash
		for b := 0; b < 256; b += 5 {
			h[0] = byte(b)
			p.position(h)
			p.FindOffset(h)
			p.FindCRC32(h)
		}
		for i := 0; i < p.count && i < 64; i++ {
			if off, err := p.offset(i); err == nil {
				p.FindHash(off)
			}
		}
		if it, err := p.EntriesByOffset(); err == nil {
			for n := 0; n < 64; n++ {
				if _, err := it.Next(); err != nil {
					break
				}
			}
		}
	})
}

func TestDamagedPackIndexIsAnError(t *testing.T) {
	data := append(append([]byte{}, idxMagic...), 0, 0, 0, 2)
	fan := make([]byte, 256*4)
	binary.BigEndian.PutUint32(fan[4*3:], 5) // entry 3 says 5, the count (entry 255) is 0
	data = append(append(data, fan...), make([]byte, 40)...)
	if _, err := parsePackIndex(data); err == nil || !strings.Contains(err.Error(), "fan-out entry 4 (0) is below entry 3 (5)") {
		t.Fatalf("err = %v", err)
	}
}
