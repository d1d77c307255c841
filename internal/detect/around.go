package detect

import (
	"bytes"
	"slices"

	"github.com/leakhound/leakhound/internal/atoms"
)

// around narrows where a rule's regex runs: to the text around the places
// where one of its atoms occurs (literals every match holds, see package
// atoms), when its matches are short enough for that to be exact, and not
// at all when none occurs. A regex without useful atoms runs on the whole
// content.
//
// Why a window finds what the whole content finds: every match holds an
// atom occurrence q and is at most maxLen bytes, so it lies within
// [q-maxLen, q+len+maxLen]; a window adds one byte of context each side for
// \b and line anchors. Overlapping windows are merged, so a match never
// touches a window's edge unless that is the content's edge, where the
// whole-content run sees the same edge; and no match lies between windows.
// The leftmost-first matches in a window are then those of the whole
// content, in order.
type around struct {
	atoms  []atom
	maxLen int // -1: unbounded (atoms then only decide whether to run)
}

type atom struct {
	text []byte // lower case when fold
	fold bool   // ASCII case ignored
}

// aroundMinContent is the smallest text a rule's regex is run around its
// atoms in: on less, running it whole costs less than working out the atoms
// (a pre-commit hook compiles the few rules its change needs, and each
// rule's syntax tree would cost it more than the search saves). A variable
// so that tests can hold windows to whole runs on small texts.
var aroundMinContent = 16 << 10

// maxWindowedLen bounds the match length for which windows are used: past
// it windows would cover most of any content that holds an atom.
const maxWindowedLen = 4 << 10

// aroundAtoms analyses expr. Atoms shorter than two bytes are not worth
// looking for (an "=" is everywhere), so a regex with one gets none.
func aroundAtoms(f atoms.Facts) around {
	if len(f.Atoms) == 0 {
		return around{}
	}
	a := around{maxLen: f.MaxLen}
	if a.maxLen > maxWindowedLen {
		a.maxLen = -1
	}
	for _, s := range f.Atoms {
		if len(s.Text) < 2 {
			return around{}
		}
		a.atoms = append(a.atoms, atom{[]byte(s.Text), s.Fold})
	}
	return a
}

// impliedBy reports whether each of words (lower case) holds one of the
// atoms that ignore case: where a word occurs, so does an atom.
func (a around) impliedBy(words [][]byte) bool {
	if len(words) == 0 {
		return false
	}
	for _, w := range words {
		held := false
		for _, at := range a.atoms {
			if at.fold && bytes.Contains(w, at.text) {
				held = true
				break
			}
		}
		if !held {
			return false
		}
	}
	return true
}

type window struct{ start, end int }

// findAll returns up to n matches in content, running find (the regex on
// a whole text) only where matches can be.
func (a around) findAll(content []byte, n int, find func([]byte, int) [][]int) [][]int {
	if len(a.atoms) == 0 {
		return find(content, n)
	}
	wins, whole := a.windows(content)
	if whole {
		return find(content, n)
	}
	var out [][]int
	for _, w := range wins {
		for _, m := range find(content[w.start:w.end], n-len(out)) {
			for j := range m {
				if m[j] >= 0 {
					m[j] += w.start
				}
			}
			out = append(out, m)
		}
		if len(out) >= n {
			break
		}
	}
	return out
}

// maxWindows bounds the atom occurrences examined; past it the regex runs
// on the whole content.
const maxWindows = 1 << 10

// windowedShare is the part of content (in halves) windows may cover
// before the regex runs on the whole of it instead; tests raise it to
// exercise windows on small contents.
var windowedShare = 1

// windows returns the merged windows around the atoms' occurrences, or
// whole when the regex should run on all of content (an unbounded match
// length, or windows covering much of it). No windows and !whole: no atom
// occurs, so nothing can match.
func (a around) windows(content []byte) (wins []window, whole bool) {
	pad := a.maxLen + 1
	for _, at := range a.atoms {
		// the windows of one atom come in order: once they cover more
		// than half of content, so do all windows together
		covered, end := 0, 0
		each(content, at, func(p int) bool {
			if a.maxLen < 0 {
				whole = true // an atom occurs; the match may be anywhere
				return false
			}
			w := window{max(0, p-pad), min(len(content), p+len(at.text)+pad)}
			covered += w.end - max(w.start, end)
			end = w.end
			wins = append(wins, w)
			if len(wins) > maxWindows || 2*covered > windowedShare*len(content) {
				whole = true
				return false
			}
			return true
		})
		if whole {
			return nil, true
		}
	}
	if len(wins) == 0 {
		return nil, false
	}
	slices.SortFunc(wins, func(x, y window) int { return x.start - y.start })
	merged := wins[:1]
	covered := 0
	for _, w := range wins[1:] {
		last := &merged[len(merged)-1]
		if w.start <= last.end {
			last.end = max(last.end, w.end)
			continue
		}
		covered += last.end - last.start
		merged = append(merged, w)
	}
	covered += merged[len(merged)-1].end - merged[len(merged)-1].start
	if 2*covered > windowedShare*len(content) {
		return nil, true
	}
	return merged, false
}

// each calls fn with each index at which at occurs in content, in order,
// until fn returns false.
func each(content []byte, at atom, fn func(int) bool) {
	if at.fold {
		eachFold(content, at.text, equalFoldASCII, fn)
		return
	}
	for i := 0; ; {
		j := bytes.Index(content[i:], at.text)
		if j < 0 || !fn(i+j) {
			return
		}
		i += j + 1
	}
}

// indexFoldWith returns the first index at which equal accepts the
// len(lowerNeedle) bytes of haystack, or -1.
func indexFoldWith(haystack, lowerNeedle []byte, equal func(text, lower []byte) bool) int {
	at := -1
	eachFold(haystack, lowerNeedle, equal, func(i int) bool {
		at = i
		return false
	})
	return at
}

// eachFold calls fn with each index, in order, at which equal accepts the
// len(lowerNeedle) bytes of haystack, until fn returns false. Candidates
// are where the needle's anchor byte (its rarest in text, see anchorOf)
// occurs in either ASCII case, found with IndexByte (memchr speed), each
// case's next occurrence remembered so no byte is searched twice: "token"
// is looked for at each 'k', not at each 't'.
func eachFold(haystack, lowerNeedle []byte, equal func(text, lower []byte) bool, fn func(int) bool) {
	n := len(lowerNeedle)
	if n == 0 {
		fn(0)
		return
	}
	last := len(haystack) - n
	p := anchorOf(lowerNeedle)
	first, other := lowerNeedle[p], lowerNeedle[p]
	if 'a' <= first && first <= 'z' {
		other = first - 'a' + 'A'
	}
	const none = int(^uint(0) >> 1)
	// next finds c at or after needle start from, as a needle start
	next := func(c byte, from int) int {
		if k := bytes.IndexByte(haystack[from+p:last+1+p], c); k >= 0 {
			return from + k
		}
		return none
	}
	nf, no := -1, -1
	if other == first {
		no = none
	}
	for i := 0; i <= last; {
		if nf < i {
			nf = next(first, i)
		}
		if no < i {
			no = next(other, i)
		}
		j := min(nf, no)
		if j == none {
			return
		}
		if equal(haystack[j:j+n], lowerNeedle) && !fn(j) {
			return
		}
		i = j + 1
	}
}

// anchorOf picks the byte of a lower-case needle to look for first: the
// one least frequent in source code and prose, by textRank. Only ASCII
// bytes are anchors (they have one other case); a needle holding other
// bytes is anchored at its first, as equal may fold those otherwise.
func anchorOf(lowerNeedle []byte) int {
	best := 0
	for i, c := range lowerNeedle {
		if c >= 0x80 {
			return 0
		}
		if textRank[c] < textRank[lowerNeedle[best]] {
			best = i
		}
	}
	return best
}

// textRank ranks ASCII bytes (upper case counted as lower; needles are
// lower case) by how often
// they occur in text, rarest lowest: the order measured over the files of
// Go, Python and conda recipe repositories (cobra, golang/tools, pytest,
// requests, numpy's and the pinning feedstock). Bytes not listed are
// rarer still.
var textRank = func() (r [128]byte) {
	const byFrequency = "?^$~|@&<%#;!+z>'9jq\\8746*3][5`201{}wkx_v-:b=y()/,h\"gmu.fdpcl\t\noiansrte "
	for i := 0; i < len(byFrequency); i++ {
		r[byFrequency[i]] = byte(1 + i)
	}
	return r
}()

// equalFoldASCII compares text with a lower-case word, ASCII case ignored.
func equalFoldASCII(text, lower []byte) bool {
	for j, c := range text {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[j] {
			return false
		}
	}
	return true
}
