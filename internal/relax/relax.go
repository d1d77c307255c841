// Package relax loosens a rule's regex into a pattern for the engine's
// RE2 Set, which only says which rules may match a fragment (each rule's
// own regex then decides): any pattern whose matches include the rule's
// will do. SetExpr drops the bounds of wide counted repetitions (x{0,200}
// becomes x*, x{64,} becomes x+). RE2 compiles a counted repetition as
// that many copies of x, so the bounds were most of the Set's program
// (the default rules' Set: 7-9 ms to compile, under 1 ms relaxed), while
// narrow counts ({36}, {16,20}) keep the Set as selective as the rules.
// Built-in rules are relaxed when they are generated: printing a parsed
// regex costs more than compiling the Set saves.
package relax

import "regexp/syntax"

// maxKeptRepeat is the widest counted repetition kept in a Set pattern.
const maxKeptRepeat = 16

// SetExpr returns expr with its wide counted repetitions unbounded,
// or expr itself when it has none or when it is not plain ASCII (the Set
// reads patterns as Latin-1, and a pattern is rewritten only where the
// rewrite reads back byte for byte as it was meant).
func SetExpr(expr string) string {
	for i := 0; i < len(expr); i++ {
		if expr[i] >= 0x80 {
			return expr
		}
	}
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return expr
	}
	relaxed, changed := relaxRepeats(re)
	if !changed {
		return expr
	}
	out := relaxed.String()
	for i := 0; i < len(out); i++ {
		if out[i] >= 0x80 {
			return expr
		}
	}
	return out
}

// relaxRepeats rewrites re's wide counted repetitions in place.
func relaxRepeats(re *syntax.Regexp) (*syntax.Regexp, bool) {
	changed := false
	for i, sub := range re.Sub {
		var c bool
		re.Sub[i], c = relaxRepeats(sub)
		changed = changed || c
	}
	if re.Op != syntax.OpRepeat || !(re.Max == -1 && re.Min > 1 || re.Max-re.Min > maxKeptRepeat) {
		return re, changed
	}
	op := syntax.OpPlus
	if re.Min == 0 {
		op = syntax.OpStar
	}
	return &syntax.Regexp{Op: op, Flags: re.Flags, Sub: re.Sub[:1]}, true
}
