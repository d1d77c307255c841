package rule

import (
	"regexp"
	"regexp/syntax"
	"sync"
)

// The same patterns are checked when a config loads and compiled when the
// engine is built, and start-up is most of what a pre-commit hook costs:
// each pattern is parsed and compiled once per process.
var (
	parsedRegexes sync.Map // string -> parsed
	goRegexes     sync.Map // string -> compiledGo
)

type parsed struct {
	caps int
	err  error
}

type compiledGo struct {
	re  *regexp.Regexp
	err error
}

// Captures parses expr with Go's RE2-syntax parser and returns its number
// of capture groups.
func Captures(expr string) (int, error) {
	if v, ok := parsedRegexes.Load(expr); ok {
		p := v.(parsed)
		return p.caps, p.err
	}
	var p parsed
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		p.err = err
	} else {
		p.caps = re.MaxCap()
	}
	parsedRegexes.Store(expr, p)
	return p.caps, p.err
}

// CompileGo compiles expr with Go's regexp package (path and allowlist
// patterns), once per process. A *regexp.Regexp is safe for concurrent use.
func CompileGo(expr string) (*regexp.Regexp, error) {
	if v, ok := goRegexes.Load(expr); ok {
		c := v.(compiledGo)
		return c.re, c.err
	}
	re, err := regexp.Compile(expr)
	goRegexes.Store(expr, compiledGo{re, err})
	return re, err
}
