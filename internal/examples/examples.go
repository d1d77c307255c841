// Package examples runs every rule's own true- and false-positive examples
// through a compiled engine. It serves `leakhound rules test` and the test
// suite alike.
package examples

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/detect"
	"github.com/leakhound/leakhound/internal/rule"
	"github.com/leakhound/leakhound/internal/source"
	"github.com/leakhound/leakhound/internal/tokengen"
)

// Result is the outcome of one rule's examples.
type Result struct {
	RuleID   string
	Passed   int
	Failures []string
}

// Run checks each rule of e: every match example yields a finding of that
// rule, every nomatch example yields none, and every keyword of the rule
// appears in every match example.
func Run(e *detect.Engine) []Result {
	var out []Result
	for _, r := range e.Rules() {
		out = append(out, runRule(e, r))
	}
	return out
}

func runRule(e *detect.Engine, r rule.Rule) Result {
	res := Result{RuleID: r.ID}
	fail := func(format string, args ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, args...)) }
	if len(r.Examples.Match) == 0 {
		fail("no match examples")
	}
	for i, ex := range r.Examples.Match {
		text, err := tokengen.Expand(r.ID, ex)
		if err != nil {
			fail("match[%d]: %v", i, err)
			continue
		}
		ok := true
		// a match must hold one of the keywords (the engine drops it
		// otherwise), so an example must too
		if len(r.Keywords) > 0 && !slices.ContainsFunc(r.Keywords, func(k string) bool {
			return strings.Contains(strings.ToLower(text), strings.ToLower(k))
		}) {
			fail("match[%d]: none of the keywords %q appears in the example", i, r.Keywords)
			ok = false
		}
		if !found(e, r, text) {
			fail("match[%d]: not detected: %q", i, shortExample(ex))
			ok = false
		}
		if ok {
			res.Passed++
		}
	}
	for i, ex := range r.Examples.Nomatch {
		text, err := tokengen.Expand(r.ID, ex)
		if err != nil {
			fail("nomatch[%d]: %v", i, err)
			continue
		}
		if found(e, r, text) {
			fail("nomatch[%d]: detected: %q", i, shortExample(ex))
			continue
		}
		res.Passed++
	}
	return res
}

func found(e *detect.Engine, r rule.Rule, text string) bool {
	for _, f := range e.Detect(source.Fragment{Path: r.Examples.Path, Content: []byte(text)}) {
		if f.RuleID == r.ID {
			return true
		}
	}
	return false
}

// shortExample shows the example as written (generated values stay as their
// {{gen:...}} references, so no token-shaped value is printed), shortened.
func shortExample(ex string) string {
	if len(ex) > 120 {
		return ex[:117] + "..."
	}
	return ex
}
