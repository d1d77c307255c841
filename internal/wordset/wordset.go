// Package wordset owns finding which of many ASCII words occur in a text,
// with letters in either case, in one pass over it: an Aho–Corasick
// automaton, built once as a table of transitions over the classes of
// bytes the words use.
//
// It serves rule packs whose rules run only where one of their keywords
// occurs (gitleaks' keywords): hundreds of words, looked for in every text
// at the speed of one table lookup per byte.
package wordset

import (
	"fmt"
	"unicode/utf8"
)

// Set finds its words in texts. It is safe for concurrent use.
type Set struct {
	// class maps a byte to its class: 0 for bytes no word holds, one
	// class for both cases of a letter.
	class   [256]uint8
	classes int
	// next[s+c] is the state after state s reads a byte of class c.
	// States are numbered by where their row starts (a multiple of
	// classes); a state where words end is stored negated.
	next []int32
	// out[s/classes] lists the words that end at state s (matches of
	// shorter words ending there included).
	out [][]int32
	// empty lists the empty words, which occur in every text.
	empty []int32
	// maxLen is the longest word's length.
	maxLen int
	n      int
}

// New builds the Set of words; Find reports word i by its index i. A word
// holding a byte outside ASCII is an error.
func New(words [][]byte) (*Set, error) {
	s := &Set{n: len(words)}
	var nonEmpty [][]byte
	var ids []int32
	for i, w := range words {
		for _, b := range w {
			if b >= utf8.RuneSelf {
				return nil, fmt.Errorf("word %q is not ASCII", w)
			}
		}
		if len(w) == 0 {
			s.empty = append(s.empty, int32(i))
			continue
		}
		nonEmpty = append(nonEmpty, lower(w))
		s.maxLen = max(s.maxLen, len(w))
		ids = append(ids, int32(i))
	}
	s.build(nonEmpty, ids)
	return s, nil
}

func (s *Set) build(words [][]byte, ids []int32) {
	s.classes = 1
	for _, w := range words {
		for _, b := range w {
			if s.class[b] == 0 {
				s.class[b] = uint8(s.classes)
				if 'a' <= b && b <= 'z' {
					s.class[b-'a'+'A'] = uint8(s.classes)
				}
				s.classes++
			}
		}
	}
	// the trie (states by number here), then failure links breadth
	// first, each state's missing transitions taken from the state its
	// failure link names
	c := s.classes
	next := make([]int32, c) // state 0, the root
	s.out = [][]int32{nil}
	for k, w := range words {
		st := 0
		for _, b := range w {
			i := st*c + int(s.class[b])
			if next[i] == 0 {
				next[i] = int32(len(s.out))
				next = append(next, make([]int32, c)...)
				s.out = append(s.out, nil)
			}
			st = int(next[i])
		}
		s.out[st] = append(s.out[st], ids[k])
	}
	fail := make([]int32, len(s.out))
	var queue []int32
	for cl := 0; cl < c; cl++ {
		if t := next[cl]; t != 0 {
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		st := int(queue[0])
		queue = queue[1:]
		s.out[st] = append(s.out[st], s.out[fail[st]]...)
		for cl := 0; cl < c; cl++ {
			t, f := next[st*c+cl], next[int(fail[st])*c+cl]
			if t == 0 {
				next[st*c+cl] = f
				continue
			}
			fail[t] = f
			queue = append(queue, t)
		}
	}
	for i, t := range next {
		v := t * int32(c)
		if s.out[t] != nil {
			v = -v
		}
		next[i] = v
	}
	s.next = next
}

// Len is the number of words in the Set.
func (s *Set) Len() int { return s.n }

// Find marks in found (len(found) >= Len()) each word that occurs in text
// and returns how many it marked that were not marked before.
//
// Each byte's transition depends on the one before, so one walk over the
// text waits on a table load per byte. A long text is walked in lanes
// instead, four parts at once, each starting early enough (the longest
// word less one byte) that no word across a border is missed.
func (s *Set) Find(text []byte, found []bool) int {
	marked := 0
	for _, id := range s.empty {
		if !found[id] {
			found[id] = true
			marked++
		}
	}
	if s.maxLen == 0 {
		return marked
	}
	const lanes = 4
	part := len(text) / lanes
	if part < 4*s.maxLen {
		return marked + s.walk(text, found)
	}
	// lane k reads t[k][:n], then the rest of its part, t[k][n:]
	overlap := s.maxLen - 1
	var t [lanes][]byte
	for k := range t {
		from, to := k*part-overlap, (k+1)*part
		if k == 0 {
			from = 0
		}
		if k == lanes-1 {
			to = len(text)
		}
		t[k] = text[from:to]
	}
	n := part // no lane is shorter
	next, class, c := s.next, &s.class, int32(s.classes)
	t0, t1, t2, t3 := t[0][:n], t[1][:n], t[2][:n], t[3][:n]
	var s0, s1, s2, s3 int32
	for j := 0; j < n; j++ {
		s0 = next[s0+int32(class[t0[j]])]
		s1 = next[s1+int32(class[t1[j]])]
		s2 = next[s2+int32(class[t2[j]])]
		s3 = next[s3+int32(class[t3[j]])]
		if s0|s1|s2|s3 < 0 {
			marked += s.mark(&s0, c, found) + s.mark(&s1, c, found) + s.mark(&s2, c, found) + s.mark(&s3, c, found)
		}
	}
	for k, st := range [lanes]int32{s0, s1, s2, s3} {
		marked += s.walkFrom(st, t[k][n:], found)
	}
	return marked
}

// mark marks the words that end at *st, when words end there, and makes
// *st a plain state number again.
func (s *Set) mark(st *int32, c int32, found []bool) int {
	if *st >= 0 {
		return 0
	}
	*st = -*st
	marked := 0
	for _, id := range s.out[*st/c] {
		if !found[id] {
			found[id] = true
			marked++
		}
	}
	return marked
}

// walk marks the words in text in one walk from the start state.
func (s *Set) walk(text []byte, found []bool) int { return s.walkFrom(0, text, found) }

func (s *Set) walkFrom(st int32, text []byte, found []bool) int {
	next, class, c := s.next, &s.class, int32(s.classes)
	marked := 0
	for _, b := range text {
		st = next[st+int32(class[b])]
		if st < 0 {
			marked += s.mark(&st, c, found)
		}
	}
	return marked
}

func lower(w []byte) []byte {
	out := make([]byte, len(w))
	for i, b := range w {
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		out[i] = b
	}
	return out
}
