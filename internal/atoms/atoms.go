// Package atoms derives from a regular expression what every match of it
// holds: literal strings ("atoms", each to be looked for exactly or, when
// the regex ignores case there, in lower case with ASCII case ignored) one
// of which occurs in every match, a bound on a match's length in bytes,
// and the longest run of one class of bytes (run.go). The detection engine uses both to run a rule's
// regex only around the places its matches can be, or not at all when
// none of the atoms occurs.
//
// The analysis is conservative: when it cannot tell, it says nothing (no
// atoms, no bound), never too much. Lengths are counted for RE2's Latin-1
// mode, in which the engine compiles rules: a character a class or "."
// matches is one byte, and a literal character written in the pattern is
// at most its UTF-8 encoding (RE2 reads the pattern's bytes as Latin-1
// characters).
package atoms

import (
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"
)

// Atom is a literal: Text exactly, or, when Fold, Text (lower case) with
// ASCII case ignored.
type Atom struct {
	Text string
	Fold bool
}

// Facts are what every match of a regex is known to hold.
type Facts struct {
	// Atoms: every match contains one of these. Nil when nothing is
	// known; never holds "".
	Atoms []Atom
	// MaxLen bounds a match's length in bytes; -1 when unbounded.
	MaxLen int
	// Run is the longest run of one class of bytes every match holds.
	Run Run
}

// maxExact bounds the sets of strings tracked exactly (a class of four
// characters, an alternation of a few words); past it only atoms are kept.
const maxExact = 16

// Parse analyses expr, parsed as RE2 syntax (the flags leakhound's rule
// loader uses).
func Parse(expr string) (Facts, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return Facts{MaxLen: -1}, err
	}
	f := Analyze(re)
	if !isASCII(expr) {
		// RE2 reads a pattern's other bytes as Latin-1 characters, one
		// each, where the parser read UTF-8: its classes are not the
		// parser's
		f.Run = Run{}
	}
	return f, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Analyze returns the facts about re's matches. Its Run holds for a
// pattern written in ASCII (Parse leaves it out for others).
func Analyze(re *syntax.Regexp) Facts {
	in := analyze(re)
	return Facts{Atoms: in.required(), MaxLen: in.max, Run: longestRun(re)}
}

// info is what is known of a sub-expression: either exact, the whole set
// of strings it matches (lower case), or atoms, one of which occurs in
// each of its matches (nil: none known); and the longest match.
type info struct {
	exact   []Atom
	isExact bool
	atoms   []Atom
	max     int // -1: unbounded
}

func exactly(s ...Atom) info {
	max := 0
	for _, x := range s {
		max = maxInt(max, len(x.Text))
	}
	return info{exact: s, isExact: true, max: max}
}

var empty = Atom{}

func unknown(max int) info { return info{max: max} }

// required is one of which every match holds, or nil.
func (in info) required() []Atom {
	if !in.isExact {
		return in.atoms
	}
	return required(in.exact)
}

func analyze(re *syntax.Regexp) info {
	switch re.Op {
	case syntax.OpNoMatch:
		return exactly()
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return exactly(empty)
	case syntax.OpLiteral:
		return literal(re.Rune, re.Flags&syntax.FoldCase != 0)
	case syntax.OpCharClass:
		return class(re.Rune)
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return unknown(1)
	case syntax.OpCapture:
		return analyze(re.Sub[0])
	case syntax.OpStar:
		return unknown(-1)
	case syntax.OpPlus:
		sub := analyze(re.Sub[0])
		return info{atoms: sub.required(), max: -1}
	case syntax.OpQuest:
		sub := analyze(re.Sub[0])
		if sub.isExact && len(sub.exact) < maxExact {
			out := exactly(append(slices.Clone(sub.exact), empty)...)
			out.max = sub.max
			return out
		}
		return unknown(sub.max)
	case syntax.OpRepeat:
		sub := analyze(re.Sub[0])
		max := -1
		if re.Max >= 0 && sub.max >= 0 {
			max = re.Max * sub.max
		}
		switch {
		case re.Min == 1 && re.Max == 1:
			return sub
		case re.Min >= 1:
			return info{atoms: sub.required(), max: max}
		default:
			return unknown(max)
		}
	case syntax.OpConcat:
		return concat(re.Sub)
	case syntax.OpAlternate:
		return alternate(re.Sub)
	}
	return unknown(-1)
}

// literal is exact when it is all ASCII; otherwise its longest ASCII run
// is an atom (how RE2 reads the rest, bytes or characters, does not
// matter to it).
func literal(runes []rune, fold bool) info {
	atom := func(s string) Atom {
		if fold {
			return Atom{strings.ToLower(s), true}
		}
		return Atom{Text: s}
	}
	max, ascii := 0, true
	var run, best []rune
	for _, r := range runes {
		if r < utf8.RuneSelf {
			max++
			run = append(run, r)
			if len(run) > len(best) {
				best = run
			}
			continue
		}
		max += utf8.RuneLen(r)
		ascii = false
		run = nil
	}
	if ascii {
		return exactly(atom(string(runes)))
	}
	out := unknown(max)
	if len(best) > 0 {
		out.atoms = []Atom{atom(string(best))}
	}
	return out
}

// class is a character class: exact when it holds a few ASCII characters,
// else unknown of one byte.
func class(ranges []rune) info {
	var chars []Atom
	if len(ranges) > 0 && ranges[len(ranges)-1] >= utf8.RuneSelf {
		return unknown(1)
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if int(hi-lo) >= maxExact {
			return unknown(1)
		}
		for r := lo; r <= hi; r++ {
			chars = append(chars, Atom{Text: string(r)})
		}
	}
	chars = dedupe(chars)
	if len(chars) > maxExact/2 {
		return unknown(1)
	}
	return exactly(chars...)
}

// concat: consecutive exact parts are multiplied out while the product
// stays small; the best of the resulting atom sets is kept.
func concat(subs []*syntax.Regexp) info {
	out := exactly(empty)
	var best []Atom
	run := []Atom{empty}
	flush := func() {
		best = better(best, required(run))
		run = []Atom{empty}
	}
	for _, s := range subs {
		in := analyze(s)
		if out.max >= 0 && in.max >= 0 {
			out.max += in.max
		} else {
			out.max = -1
		}
		if in.isExact && len(run)*len(in.exact) <= maxExact {
			run = product(run, in.exact)
			continue
		}
		flush()
		out.isExact = false
		if in.isExact {
			// too many to multiply out: its strings still stand alone
			best = better(best, required(in.exact))
		} else {
			best = better(best, in.atoms)
		}
	}
	if out.isExact {
		out.exact = dedupe(run)
		return out
	}
	flush()
	out.exact, out.atoms = nil, best
	return out
}

// alternate: exact when every branch is and the union is small; otherwise
// atoms only when every branch has some.
func alternate(subs []*syntax.Regexp) info {
	out := exactly()
	var atoms []Atom
	allAtoms := true
	for _, s := range subs {
		in := analyze(s)
		if out.max >= 0 && in.max >= 0 {
			out.max = maxInt(out.max, in.max)
		} else {
			out.max = -1
		}
		if in.isExact && out.isExact && len(out.exact)+len(in.exact) <= maxExact {
			out.exact = append(out.exact, in.exact...)
		} else {
			out.isExact = false
		}
		if req := in.required(); req != nil {
			atoms = append(atoms, req...)
		} else if !(in.isExact && len(in.exact) == 0) { // a branch that matches nothing needs no atom
			allAtoms = false
		}
	}
	if out.isExact {
		out.exact = dedupe(out.exact)
		return out
	}
	if allAtoms {
		out.atoms = dedupe(atoms)
	}
	out.exact = nil
	return out
}

// required is set as atoms, or nil when set matches nothing or the empty
// string.
func required(set []Atom) []Atom {
	if len(set) == 0 || slices.Contains(set, empty) {
		return nil
	}
	return dedupe(set)
}

// product concatenates each of a with each of b; a part that ignores case
// makes the whole ignore it (lower case: a superset of what matches).
func product(a, b []Atom) []Atom {
	out := make([]Atom, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			if x.Fold || y.Fold {
				out = append(out, Atom{strings.ToLower(x.Text + y.Text), true})
			} else {
				out = append(out, Atom{Text: x.Text + y.Text})
			}
		}
	}
	return out
}

// better prefers the atom set whose shortest atom is longest (rarer in
// text), then the smaller set.
func better(a, b []Atom) []Atom {
	if b == nil {
		return a
	}
	if a == nil {
		return b
	}
	sa, sb := shortest(a), shortest(b)
	if sb > sa || (sb == sa && len(b) < len(a)) {
		return b
	}
	return a
}

func shortest(set []Atom) int {
	n := -1
	for _, s := range set {
		if n < 0 || len(s.Text) < n {
			n = len(s.Text)
		}
	}
	return n
}

func dedupe(set []Atom) []Atom {
	out := slices.Clone(set)
	slices.SortFunc(out, func(x, y Atom) int {
		if c := strings.Compare(x.Text, y.Text); c != 0 {
			return c
		}
		if x.Fold == y.Fold {
			return 0
		}
		if x.Fold {
			return 1
		}
		return -1
	})
	return slices.Compact(out)
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
