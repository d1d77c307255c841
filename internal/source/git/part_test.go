package git

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func lines(n int, f func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(f(i) + "\n")
	}
	return b.String()
}

func partOf(prev, cur string) (int, int) {
	p, s := sharedEnds([]byte(prev), []byte(cur))
	return changedPart([]byte(cur), p, s)
}

func TestChangedPart(t *testing.T) {
	filler := func(i int) string { return fmt.Sprintf("line %d of ordinary text", i) }
	prev := lines(200, filler)
	cur := strings.Replace(prev, "line 100 of", "line 100 (edited) of", 1)
	start, end := partOf(prev, cur)
	got := cur[start:end]
	// at least partContextLines lines and partContextBytes bytes each side
	if !strings.Contains(got, "line 100 (edited)") || !strings.Contains(got, "\nline 90 ") || !strings.Contains(got, "\nline 110 ") ||
		strings.Index(got, "line 100 (") < partContextBytes || len(got)-strings.Index(got, "line 101 ") < partContextBytes {
		t.Errorf("part %q", got)
	}
	if end-start > 2*partContextBytes+200 {
		t.Errorf("part is %d bytes", end-start)
	}

	// an edit inside wrapped base64 takes the whole run, then context
	run := lines(60, func(i int) string { return strings.Repeat(string(rune('A'+i%26)), 76) })
	prev = lines(50, filler) + "data: |\n" + run + "  Zg==\n" + lines(50, filler)
	cur = strings.Replace(prev, strings.Repeat("Z", 76), strings.Repeat("Z", 70)+"xxxxxx", 1)
	start, end = partOf(prev, cur)
	if !strings.Contains(cur[start:end], "data: |\n"+strings.Repeat("A", 76)) || !strings.Contains(cur[start:end], "  Zg==\n") {
		t.Errorf("the run was not taken whole: %q", cur[start:end])
	}

	// appending: the part ends at the end
	prev = lines(100, filler)
	cur = prev + "one more\n"
	start, end = partOf(prev, cur)
	if end != len(cur) || !strings.Contains(cur[start:], "\nline 90 ") {
		t.Errorf("append: part %q", cur[start:end])
	}
}

// sharedEndsByByte is sharedEnds without blocks, the reference it is held to.
func sharedEndsByByte(prev, cur []byte) (prefix, suffix int) {
	n := min(len(prev), len(cur))
	for prefix < n && prev[prefix] == cur[prefix] {
		prefix++
	}
	for suffix < n-prefix && prev[len(prev)-1-suffix] == cur[len(cur)-1-suffix] {
		suffix++
	}
	return prefix, suffix
}

// FuzzChangedPart: the part holds every changed byte, starts at a line
// start, ends at a line end, and lies within the content.
func FuzzChangedPart(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"))
	f.Add([]byte(""), []byte("x"))
	f.Add([]byte("abc"), []byte(""))
	f.Add([]byte("AAAA\nBBBB\nCCCC\n"), []byte("AAAA\nBBxB\nCCCC"))
	long := bytes.Repeat([]byte("0123456789abcdef\n"), 20)
	f.Add(long, append(bytes.Clone(long[:150]), long[151:]...))
	f.Add(long, append(bytes.Clone(long), long...))
	f.Fuzz(func(t *testing.T, prev, cur []byte) {
		pre, suf := sharedEnds(prev, cur)
		if p, s := sharedEndsByByte(prev, cur); pre != p || suf != s {
			t.Fatalf("shared ends %d, %d; byte by byte %d, %d", pre, suf, p, s)
		}
		start, end := changedPart(cur, pre, suf)
		if start < 0 || end > len(cur) || start > end {
			t.Fatalf("part [%d,%d) of %d bytes", start, end, len(cur))
		}
		if start > 0 && cur[start-1] != '\n' {
			t.Fatalf("part starts mid-line at %d", start)
		}
		if end < len(cur) && (end == 0 || cur[end-1] != '\n') {
			t.Fatalf("part ends mid-line at %d", end)
		}
		n := min(len(prev), len(cur))
		if pre > n || suf > n-pre || !bytes.Equal(prev[:pre], cur[:pre]) || !bytes.Equal(prev[len(prev)-suf:], cur[len(cur)-suf:]) ||
			pre < n && suf < n-pre && prev[pre] == cur[pre] {
			t.Fatalf("shared ends %d, %d of %q and %q", pre, suf, prev, cur)
		}
		if pre < start || len(cur)-suf > end {
			t.Fatalf("changed bytes [%d,%d) outside the part [%d,%d)", pre, len(cur)-suf, start, end)
		}
		if bytes.Equal(prev, cur) && end-start > 0 && len(cur) > 0 && start == 0 && end == len(cur) && len(cur) > 3*partContextBytes {
			t.Fatalf("no change, whole part")
		}
	})
}
