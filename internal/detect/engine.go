// Package detect owns the detection engine: every rule regex compiled once
// into an RE2 Set so each fragment is read in one pass, then the regexes of
// the rules the Set reports, secret extraction, entropy, offline validators
// and allowlists. An Engine is immutable after Compile and safe for
// concurrent use.
package detect

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	re2 "github.com/wasilibs/go-re2"
	"github.com/wasilibs/go-re2/experimental"

	"github.com/leakhound/leakhound/internal/atoms"
	"github.com/leakhound/leakhound/internal/rule"
)

// Engine finds secrets in fragments.
type Engine struct {
	warnings []string
	rules    []*compiledRule
	// set is the RE2 Set over the regexes of the rules that do not go by
	// their words, compiled at once or, for a lazy engine, on first use
	// (setReady then says it is there); nil when there are none.
	set      *setPass
	setErr   error
	setOnce  sync.Once
	setReady atomic.Bool
	// noShapeGate gives all content to the Set (the reference the gate is
	// tested against)
	noShapeGate bool
	// wordSet: some rules with file keywords go by their words (see
	// setRegex); byWords lists those rules, and the word pass finds their
	// words.
	wordSet bool
	byWords []*compiledRule
	// before is what runs before the Set, worked out on first use
	beforeOnce sync.Once
	before     beforeSet
	// pathGated are the rules (not going by their words) that only run on
	// files whose path their path regex matches: the Set leaves them out
	// (a few path-only rules, such as a file holding nothing but a token,
	// match most texts and multiplied the Set's automaton states), and
	// they run on every text of a file their path matches.
	pathGated []*compiledRule
	global    allowlist
	opts      Options
	// words are the rules' distinct keywords, lower case
	words [][]byte
	stats stats
	// ready is closed when prepare is done; readyErr is what it met
	ready    chan struct{}
	readyErr error
}

// Options tune what the engine reports.
type Options struct {
	// ShowInvalid reports token-shaped values whose offline validator fails
	// (placeholders, fakes) with Checksum "invalid" instead of dropping them.
	ShowInvalid bool
	// MaxDecodeDepth is how many layers of encoding (base64, percent,
	// escapes, UTF-16) the engine decodes to look for secrets; 0 turns
	// decoding off.
	MaxDecodeDepth int
	// OnProblem, when set, is told when a cap stopped the engine from
	// reporting or examining everything at path (a rule with more than
	// MaxMatchesPerRule findings, or more raw matches than one window may
	// examine). Callers must make such a run fail: something went unseen.
	OnProblem func(path, reason string)
	// OnWarning, when set, is told of limits that left part of path
	// unexamined without hiding its plain text (the decode budget).
	OnWarning func(path, msg string)
	// MaskContext hides, in the source line kept with each finding for
	// display, every value any rule's pattern matches there (other
	// secrets on the line, look-alikes), as Secret.String shows secrets.
	MaskContext bool
	// Exempt maps a path to strings in it that are not secrets: the rule
	// examples of the configuration file in force, which are token-shaped
	// on purpose. A secret inside one of them at that path is dropped.
	Exempt map[string][]string
	// SetMaxMem bounds the RE2 Set's memory in bytes (0: 256 MiB). When a
	// fragment needs more, every rule's own regex runs instead.
	SetMaxMem int
	// Lazy defers compiling each rule's regex and the Set until content
	// needs them, so a small scan (a pre-commit hook's) pays only for the
	// rules its text can match: content up to DirectMax bytes runs the
	// rules whose keywords it holds (and those without keywords) directly,
	// without the Set. Regexes are still parsed and checked by Compile; a
	// rule that RE2 then refuses is reported through OnProblem.
	Lazy bool
}

// DirectMax is the largest content a lazy engine scans without the Set.
const DirectMax = 64 << 10

type stats struct {
	fragments, bytes, ruleRuns, setFallbacks atomic.Int64
}

// Stats counts the engine's work since it was compiled.
type Stats struct {
	Fragments int64 // fragments scanned
	Bytes     int64 // bytes scanned
	// RuleRuns counts per-rule regex runs: how often the Set pass let a
	// fragment through to a rule's own regex.
	RuleRuns     int64
	SetFallbacks int64 // fragments where the Set gave up and every rule ran
}

type compiledRule struct {
	rule.Rule
	index      int
	re         *re2.Regexp // set by compile
	around     around      // set by atoms
	aroundOnce sync.Once
	facts      atoms.Facts // set by factsOf
	factsOnce  sync.Once
	reErr      error
	reOnce     sync.Once
	group      int
	path       *pathRegexp
	allow      allowlist
	keywords   [][]byte
	// wordIDs index keywords in the engine's distinct words
	wordIDs []int
	// fileKeywords: one must occur anywhere in the window (lower case).
	fileKeywords [][]byte
	// byWords: the Set looks for the file keywords, not the regex.
	byWords  bool
	validate rule.Validator
}

// pathRegexp is a rule's path regex. A built-in rule's compiles when a
// path could match it, one that holds a literal every match holds
// (".token", "keyring"): most paths hold none, and compiling the built-in
// rules' path regexes took a hook a millisecond. Another rule's compiles
// at once, so that an invalid one is reported when the rules load.
type pathRegexp struct {
	expr   string
	eager  *regexp.Regexp
	once   sync.Once
	atoms  []atoms.Atom
	reOnce sync.Once
	re     *regexp.Regexp
}

func newPathRegexp(expr string, builtIn bool) (*pathRegexp, error) {
	p := &pathRegexp{expr: expr}
	if !builtIn {
		re, err := rule.CompileGo(expr)
		if err != nil {
			return nil, err
		}
		p.eager = re
	}
	return p, nil
}

// MatchString reports whether path matches the regex, or, for a member
// of an archive (ARCHIVE!MEMBER), whether the member's own path does: a
// token file at the root of a backup zip is the file the rule is about.
func (p *pathRegexp) MatchString(path string) bool {
	if p.match(path) {
		return true
	}
	i := strings.LastIndexByte(path, '!')
	return i >= 0 && p.match(path[i+1:])
}

func (p *pathRegexp) match(path string) bool {
	if p.eager != nil {
		return p.eager.MatchString(path)
	}
	p.once.Do(func() {
		f, ok := builtinFacts(p.expr)
		if !ok {
			f, _ = atoms.Parse(p.expr)
		}
		p.atoms = f.Atoms
	})
	// literals are looked for with ASCII case folding, which is Go's for
	// ASCII text only (a KELVIN SIGN matches (?i)k)
	if len(p.atoms) > 0 && isASCII([]byte(path)) && !holdsAtom([]byte(path), p.atoms) {
		return false
	}
	p.reOnce.Do(func() { p.re, _ = rule.CompileGo(p.expr) })
	// a built-in path regex compiles (TestDefaultsGenerated); were it
	// not to, the rule would run on every path rather than on none
	return p.re == nil || p.re.MatchString(path)
}

// holdsAtom reports whether text holds one of atoms.
func holdsAtom(text []byte, set []atoms.Atom) bool {
	for _, a := range set {
		if a.Fold && containsFold(text, []byte(a.Text)) || !a.Fold && bytes.Contains(text, []byte(a.Text)) {
			return true
		}
	}
	return false
}

type allowlist struct {
	paths     []*regexp.Regexp
	regexes   []*lazyRegexp
	target    string
	stopwords []string
	underKeys []string
}

const defaultSetMaxMem = 256 << 20

// Compile builds an engine from rules and a global allowlist. All problems
// are reported at once, each naming the rule and where it was defined.
// RE2 compiles the regexes in the background (see prepare) or, for a lazy
// engine, as content needs them; Ready says what it refused.
func Compile(rules []rule.Rule, global rule.Allow, opts Options) (*Engine, error) {
	e := &Engine{opts: opts}
	var errs []error
	seen := map[string]string{}
	regexes := &setPass{}
	gated := 0
	for _, r := range rules {
		if len(r.FileKeywords) > 0 {
			gated++
		}
	}
	e.wordSet = gated > maxGatedInSet
	for i := range rules {
		r := rules[i]
		if prev, dup := seen[r.ID]; dup && r.ID != "" {
			errs = append(errs, fmt.Errorf("%s: duplicate rule id %q (first defined at %s)", r.Source, r.ID, prev))
			continue
		}
		seen[r.ID] = r.Source
		cr, err := compileRule(r, len(e.rules))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// leakhound's own rules are few and specific: their regexes
		// stay in the Set, which then runs them only where they match
		cr.byWords = e.wordSet && len(cr.fileKeywords) > 0 && !r.BuiltIn
		e.rules = append(e.rules, cr)
		switch {
		case cr.byWords:
			e.byWords = append(e.byWords, cr)
		case cr.path != nil:
			e.pathGated = append(e.pathGated, cr)
		default:
			regexes.add(cr, setRegex(cr))
		}
		if w := broadRule(cr); w != "" {
			e.warnings = append(e.warnings, fmt.Sprintf("%s: rule %q %s; a file where it has more than %d findings fails the scan", r.Source, r.ID, w, MaxMatchesPerRule))
		}
	}
	g, err := compileAllow(global, false)
	if err != nil {
		errs = append(errs, fmt.Errorf("global allow: %w", err))
	}
	e.global = g
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(regexes.exprs) > 0 {
		e.set = regexes
	}
	ids := map[string]int{}
	for _, r := range e.rules {
		for _, k := range r.keywords {
			id, ok := ids[string(k)]
			if !ok {
				id = len(e.words)
				ids[string(k)] = id
				e.words = append(e.words, k)
			}
			r.wordIDs = append(r.wordIDs, id)
		}
	}
	if !opts.Lazy {
		e.ready = make(chan struct{})
		go e.prepare()
	}
	return e, nil
}

// CompileNow compiles every regex at once: the engine, or the error that
// says which RE2 refused.
func CompileNow(rules []rule.Rule, global rule.Allow, opts Options) (*Engine, error) {
	e, err := Compile(rules, global, opts)
	if err != nil {
		return nil, err
	}
	errs := []error{e.Ready()}
	for _, r := range e.rules {
		errs = append(errs, r.compile())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return e, nil
}

// prepare compiles the Set, for an engine that is not lazy. It runs beside
// the caller's own start (opening a repository, walking its history), and
// scans wait for it. Rules' own regexes compile when the Set first lets
// content through to them: most rules never match most repositories.
func (e *Engine) prepare() {
	defer close(e.ready)
	if e.set != nil {
		e.readyErr = e.compileSet()
	}
}

// Ready waits until an engine that is not lazy has compiled its Set and
// says whether RE2 refused it: scans then apply every rule, but the run
// must still fail. A rule's regex that RE2 refuses is reported where the
// rule was to run (through OnProblem), as for a lazy engine.
func (e *Engine) Ready() error {
	if e.ready == nil {
		return nil
	}
	<-e.ready
	return e.readyErr
}

// setPass is the RE2 Set of the Set pass: exprs[i] is what it looks for
// on behalf of rules[i].
type setPass struct {
	exprs []string
	rules []*compiledRule
	set   *experimental.Set
}

// beforeSet is the pass before the Set: one word automaton over the file
// keywords of the rules going by their words and the literals of the
// Set's rules. It selects the former, and is the Set's shape gate: every
// match of a Set rule holds one of its literals and a run of one class of
// bytes (the rule's regex facts, as mayMatchShape checks them), and
// content in which no Set rule can match is not given to the Set. The
// automaton's pass, and a strided search for the runs of the rules whose
// literal is there, cost a fraction of RE2's pass over every byte (on a Go
// source tree three blobs in four hold no rule's shape).
type beforeSet struct {
	words *wordPass // nil: no words to look for
	// gated: every rule in the Set has a shape, so the Set is needed
	// only where one is found
	gated bool
	// anywhere are the Set's rules with a run but no literal
	anywhere []*compiledRule
}

// beforeSet returns the pass before the Set, worked out on first use.
func (e *Engine) beforeSet() *beforeSet {
	e.beforeOnce.Do(func() {
		b := &e.before
		rules := e.byWords
		b.gated = e.set != nil && !e.noShapeGate
		if b.gated {
			var withLiterals []*compiledRule
			for _, r := range e.set.rules {
				f := r.factsOf()
				switch {
				case len(f.Atoms) > 0:
					withLiterals = append(withLiterals, r)
				case f.Run.Min >= minShapeRun:
					b.anywhere = append(b.anywhere, r)
				default:
					b.gated = false
				}
			}
			if b.gated {
				rules = append(rules[:len(rules):len(rules)], withLiterals...)
			}
		}
		if len(rules) > 0 {
			b.words = newWordPass(rules, func(r *compiledRule) [][]byte {
				if r.byWords {
					return r.fileKeywords
				}
				var words [][]byte
				for _, a := range r.factsOf().Atoms {
					// a literal matched in case is also one matched
					// in either case: the gate may only let more
					// content through
					words = append(words, []byte(strings.ToLower(a.Text)))
				}
				return words
			})
		}
	})
	return &e.before
}

// selectRules returns, in the engine's order, the rules going by their words
// that content holds words of, and whether the Set is needed: it has
// rules, and one of them may match content.
func (b *beforeSet) selectRules(content []byte, hasSet bool) (byWords []*compiledRule, needSet bool) {
	needSet = hasSet && !b.gated
	if b.words != nil {
		for _, r := range b.words.rulesIn(content) {
			switch {
			case r.byWords:
				byWords = append(byWords, r)
			case !needSet && r.holdsRun(content):
				needSet = true
			}
		}
	}
	for _, r := range b.anywhere {
		if needSet {
			break
		}
		needSet = r.holdsRun(content)
	}
	return byWords, needSet
}

// knownOf returns n entries of what is known of n facts about a content:
// 0 not looked for yet, 1 held, -1 not.
func knownOf(buf []int8, n int) []int8 {
	if n <= len(buf) {
		return buf[:n]
	}
	return make([]int8, n)
}

// known returns fact id from seen, looking it up with holds the first time.
func known(seen []int8, id int, holds func() bool) bool {
	if seen[id] == 0 {
		seen[id] = -1
		if holds() {
			seen[id] = 1
		}
	}
	return seen[id] == 1
}

func (p *setPass) add(r *compiledRule, expr string) {
	p.exprs = append(p.exprs, expr)
	p.rules = append(p.rules, r)
}

// compileSet compiles the Set on first use and says whether RE2 refused
// it.
func (e *Engine) compileSet() error {
	e.setOnce.Do(func() {
		mem := e.opts.SetMaxMem
		if mem <= 0 {
			mem = defaultSetMaxMem
		}
		if e.set != nil {
			set, err := experimental.CompileSetWithOptions(e.set.exprs, experimental.CompileOptions{Latin1: true, MaxMem: mem})
			if err != nil {
				e.setErr = fmt.Errorf("compiling the rule set: %w", err)
				return
			}
			e.set.set = set
		}
		e.setReady.Store(true)
	})
	return e.setErr
}

// compile compiles the rule's regex with RE2, once.
func (r *compiledRule) compile() error {
	r.reOnce.Do(func() {
		re, err := experimental.CompileLatin1(r.Regex)
		if err != nil {
			where := r.Source
			if where == "" {
				where = "rule"
			}
			r.reErr = fmt.Errorf("%s: rule %q: invalid regex: %w", where, r.ID, err)
			return
		}
		r.re = re
		// the secret is the group the rule names, else the first group,
		// else the whole match (Check held the group to the regex's)
		switch {
		case r.SecretGroup > 0:
			r.group = r.SecretGroup
		case re.NumSubexp() > 0:
			r.group = 1
		}
	})
	return r.reErr
}

// factsOf returns what every match of the rule's regex holds, worked out
// on first use (nothing known when Go's parser refuses the regex: RE2's
// verdict is the rule's, given where it compiles).
func (r *compiledRule) factsOf() atoms.Facts {
	r.factsOnce.Do(func() {
		if f, ok := builtinFacts(r.Regex); ok {
			r.facts = f // worked out when the defaults were generated
			return
		}
		f, err := atoms.Parse(r.Regex)
		if err != nil {
			f = atoms.Facts{MaxLen: -1}
		}
		r.facts = f
	})
	return r.facts
}

// minShapeRun is the shortest run of a class worth looking for before a
// small text compiles a rule (see mayMatchShape).
const minShapeRun = 8

// mayMatchShape reports whether content can hold a match of the rule by
// what every match holds: one of its literals (atoms), and its longest
// run of one class of bytes (a token's body). A lazy engine asks before
// compiling a rule's regex for a small text: most texts that hold a
// rule's keyword ("github", "token") hold no 40 hex digits in a row.
func (r *compiledRule) mayMatchShape(content []byte) bool {
	if !r.holdsRun(content) {
		return false
	}
	f := r.factsOf()
	return len(f.Atoms) == 0 || holdsAtom(content, f.Atoms)
}

// holdsRun reports whether content holds the longest run of one class of
// bytes every match of the rule holds, when that run is long enough to be
// worth looking for (true otherwise).
func (r *compiledRule) holdsRun(content []byte) bool {
	f := r.factsOf()
	if f.Run.Min < minShapeRun {
		return true
	}
	_, _, ok := nextRun(content, 0, &f.Run.Class, f.Run.Min, true)
	return ok
}

// atoms returns where the rule's regex need run (see around), worked out
// from the regex on first use: a small text does without (aroundMinContent).
func (r *compiledRule) atoms() around {
	r.aroundOnce.Do(func() {
		r.around = aroundAtoms(r.factsOf())
		if r.around.maxLen < 0 && (!r.byWords || r.around.impliedBy(r.fileKeywords)) {
			// atoms would only say whether to run, and the Set (the
			// regex matched) or the words (each holds an atom) said so
			r.around = around{}
		}
	})
	return r.around
}

// maxGatedInSet is how many rules with file keywords the Set takes by
// their regexes. Past it (an imported rule pack: gitleaks' has about 220
// such rules, many of them broad), the Set looks for the words of all but
// the built-in rules instead: hundreds of broad regexes outgrow RE2's
// automaton, and every fragment would then run every rule.
const maxGatedInSet = 32

// setRegex is what the Set looks for on behalf of a rule that does not go
// by its words: its regex, relaxed for a built-in rule (see
// rule.Rule.SetRegex). A rule that goes by its words (byWords) is left to
// the word pass, which looks for its file keywords instead: beside the
// regexes, hundreds of words multiplied the states of RE2's automaton
// (gitleaks' pack built it in 590 ms, and RE2's pass over words ran at
// a third of the word pass's speed). The rule's own regex then runs only
// where one of them occurs, as gitleaks' keywords work. Either way the
// words are checked before a rule's regex runs, so what is found is the
// same.
func setRegex(r *compiledRule) string {
	if r.SetRegex == "" {
		return r.Regex
	}
	return r.SetRegex
}

func compileRule(r rule.Rule, index int) (*compiledRule, error) {
	where := r.Source
	if where == "" {
		where = "rule"
	}
	// Check parses the regex with Go's RE2-syntax parser (the same verdict,
	// without the C++ library logging to stderr) and checks the secret
	// group, so RE2 only sees patterns it accepts. Built-in rules passed it
	// when they were generated (TestDefaultsGenerated), and checking them
	// again would cost a hook a tenth of its run.
	if !r.BuiltIn {
		if errs := r.Check(); len(errs) > 0 {
			return nil, fmt.Errorf("%s: %w", where, errors.Join(errs...))
		}
	}
	cr := &compiledRule{Rule: r, index: index, validate: rule.Validators[r.Validate]}
	var err error
	if r.Path != "" {
		if cr.path, err = newPathRegexp(r.Path, r.BuiltIn); err != nil {
			return nil, fmt.Errorf("%s: rule %q: invalid path regex: %w", where, r.ID, err)
		}
	}
	if cr.allow, err = compileAllow(r.Allow, r.BuiltIn); err != nil {
		return nil, fmt.Errorf("%s: rule %q: %w", where, r.ID, err)
	}
	for _, k := range r.Keywords {
		cr.keywords = append(cr.keywords, []byte(strings.ToLower(k)))
	}
	for _, k := range r.FileKeywords {
		cr.fileKeywords = append(cr.fileKeywords, []byte(strings.ToLower(k)))
	}
	return cr, nil
}

// compileAllow compiles an allowlist; the regexes of a built-in rule's
// (tested when generated) compile when first needed.
func compileAllow(a rule.Allow, builtIn bool) (allowlist, error) {
	out := allowlist{target: a.RegexTarget}
	if out.target == "" {
		out.target = rule.TargetSecret
	}
	for _, p := range a.Paths {
		re, err := rule.CompileGo(p)
		if err != nil {
			return out, fmt.Errorf("invalid allow path %q: %w", p, err)
		}
		out.paths = append(out.paths, re)
	}
	for _, p := range a.Regexes {
		if !builtIn {
			if _, err := rule.CompileGo(p); err != nil {
				return out, fmt.Errorf("invalid allow regex %q: %w", p, err)
			}
		}
		out.regexes = append(out.regexes, &lazyRegexp{expr: p})
	}
	for _, s := range a.Stopwords {
		out.stopwords = append(out.stopwords, strings.ToLower(s))
	}
	for _, k := range a.UnderKeys {
		out.underKeys = append(out.underKeys, strings.ToLower(k))
	}
	return out, nil
}

// MaxMatchesPerRule bounds one rule's findings in one file or blob, so a
// rule that matches everything cannot flood a report; reaching it is a
// problem, never a silent cut.
const MaxMatchesPerRule = 1000

// ordinaryText is text no secret rule should match.
const ordinaryText = "The quick brown fox jumps over the lazy dog.\nimport os\nx = 1\n"

// broadRule says how a rule matches far too much, or "". It asks Go's
// regexp package (the same syntax), so a lazy engine need not compile the
// rule with RE2 to know.
func broadRule(r *compiledRule) string {
	if r.BuiltIn {
		return "" // TestNoBuiltInRuleIsBroad
	}
	re, err := rule.CompileGo(r.Regex)
	if err != nil {
		return "" // RE2's verdict on the regex is Compile's to give
	}
	switch {
	case re.MatchString(""):
		return "matches the empty string"
	case re.MatchString(ordinaryText) && r.path == nil:
		return "matches ordinary text"
	}
	return ""
}

// Warnings are problems with the rules that do not stop a scan.
func (e *Engine) Warnings() []string { return e.warnings }

// Rules returns the engine's rules in load order.
func (e *Engine) Rules() []rule.Rule {
	out := make([]rule.Rule, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.Rule
	}
	return out
}

// Stats returns the engine's work counters.
func (e *Engine) Stats() Stats {
	return Stats{
		Fragments:    e.stats.fragments.Load(),
		Bytes:        e.stats.bytes.Load(),
		RuleRuns:     e.stats.ruleRuns.Load(),
		SetFallbacks: e.stats.setFallbacks.Load(),
	}
}

func (a *allowlist) pathAllowed(path string) bool {
	for _, re := range a.paths {
		if re.MatchString(path) {
			return true
		}
	}
	return false
}

// allows reports whether the allowlist says a candidate is not a secret.
func (a *allowlist) allows(secret, match, line string) bool {
	if len(a.stopwords) > 0 {
		lower := strings.ToLower(secret)
		for _, w := range a.stopwords {
			if strings.Contains(lower, w) {
				return true
			}
		}
	}
	target := secret
	switch a.target {
	case rule.TargetMatch:
		target = match
	case rule.TargetLine:
		target = line
	}
	for _, re := range a.regexes {
		if re.matches(target) {
			return true
		}
	}
	return false
}

// lazyRegexp is an allowlist regex compiled (with Go's regexp, through
// rule.CompileGo's cache) when a candidate first needs it: most scans,
// a hook's above all, never meet a candidate. Check has compiled every
// rule's and config's allow regexes before an engine exists (built-in
// rules when they were generated) or compileAllow has, so compiling cannot
// fail here; if it did, the regex would allow nothing.
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

func (l *lazyRegexp) matches(s string) bool {
	l.once.Do(func() { l.re, _ = rule.CompileGo(l.expr) })
	return l.re != nil && l.re.MatchString(s)
}

// containsFold reports whether haystack holds lowerNeedle (lower case),
// case ignored as bytes.EqualFold ignores it. Candidates are found by the
// needle's rarest byte in either ASCII case (see eachFold), so long texts
// are scanned at memchr speed.
func containsFold(haystack []byte, lowerNeedle []byte) bool {
	equal := bytes.EqualFold
	if isASCII(lowerNeedle) {
		// the same answer for an ASCII needle: n bytes that fold to n
		// ASCII bytes are ASCII themselves
		equal = equalFoldASCII
	}
	return indexFoldWith(haystack, lowerNeedle, equal) >= 0
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// Skips reports whether every finding at path would be allowed by the
// global allowlist, so the file need not be opened at all.
func (e *Engine) Skips(path string) bool { return e.global.pathAllowed(path) }

// PathSensitive reports whether the findings in content at path can differ
// from the same content at another path: a rule limited to certain paths, or
// a path allowlist, matches path, or the path holds a rule's file keyword. Callers that cache findings per content
// (the git sources) key such paths separately.
func (e *Engine) PathSensitive(path string) bool {
	if e.global.pathAllowed(path) {
		return true
	}
	for _, r := range e.rules {
		if (r.path != nil && r.path.MatchString(path)) || r.allow.pathAllowed(path) {
			return true
		}
		for _, w := range r.fileKeywords {
			if containsFold([]byte(path), w) {
				return true
			}
		}
	}
	return false
}
