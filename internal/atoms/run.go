package atoms

import "regexp/syntax"

// Run is a class of bytes of which every match holds at least Min in a
// row (a token's body, `[a-f0-9]{40}`): text without such a run holds no
// match. Min is 0 when nothing is known. Classes are of Latin-1 bytes, as
// RE2's Latin-1 mode reads them.
type Run struct {
	Class [256]bool
	Min   int
}

// longestRun returns the longest run every match of re is known to hold.
func longestRun(re *syntax.Regexp) Run {
	switch re.Op {
	case syntax.OpCapture:
		return longestRun(re.Sub[0])
	case syntax.OpRepeat, syntax.OpPlus:
		min := 1
		if re.Op == syntax.OpRepeat {
			min = re.Min
		}
		if min < 1 {
			return Run{}
		}
		if sub := re.Sub[0]; sub.Op == syntax.OpCharClass {
			return Run{Class: classBytes(sub.Rune), Min: min}
		}
		// the sub-expression occurs at least once
		return longestRun(re.Sub[0])
	case syntax.OpConcat:
		// every part occurs in every match: the longest of their runs
		var best Run
		for _, sub := range re.Sub {
			if r := longestRun(sub); r.Min > best.Min {
				best = r
			}
		}
		return best
	case syntax.OpAlternate:
		// a match holds one branch's run: the classes' union, the least
		// of the lengths, when every branch has one
		var out Run
		for i, sub := range re.Sub {
			r := longestRun(sub)
			if r.Min == 0 {
				return Run{}
			}
			if i == 0 || r.Min < out.Min {
				out.Min = r.Min
			}
			for b, in := range r.Class {
				out.Class[b] = out.Class[b] || in
			}
		}
		return out
	}
	return Run{}
}

// classBytes returns the bytes a character class's ranges hold.
func classBytes(ranges []rune) (class [256]bool) {
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1] && r < 256; r++ {
			class[r] = true
		}
	}
	return class
}
