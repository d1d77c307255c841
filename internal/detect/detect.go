package detect

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/source"
)

// contextBytes bounds how much of the source line around a secret a finding
// keeps for display, so a minified file does not copy megabytes per finding.
const contextBytes = 80

type candidate struct {
	rule       *compiledRule
	start, end int // secret span
	mstart     int // match span
	mend       int
	checksum   finding.Checksum
	// For secrets found in decoded content: the secret itself (start:end
	// is then the encoded span in the original) and how it was decoded.
	secret  string
	decoded string
}

func (c *candidate) secretIn(content []byte) string {
	if c.decoded != "" {
		return c.secret
	}
	return string(content[c.start:c.end])
}

// MaxDecodedBytes bounds how much decoded text one file or blob may
// produce; using it up is a warning that names the file.
const MaxDecodedBytes = 4 << 20

// maxKeptPerWindow bounds how many candidates of one rule one window
// carries to findings; more is a problem that names the file and rule.
const maxKeptPerWindow = 10 * MaxMatchesPerRule

// maxRawMatches bounds how many matches of one rule's regex one window
// examines; more is a problem that names the file and rule.
const maxRawMatches = 100_000

// budget is what is left of a stream's decoded-text allowance, with the
// scratch buffer its base64 runs are decoded into before they are known to
// hold text.
type budget struct {
	n         int
	exhausted bool
	scratch   []byte
	skipped   []string // what decoded text held that was not read, and why
}

func (b *budget) left() int { return b.n }

// skip notes, once, what decoded text held that was not read; it is said
// when the stream ends.
func (b *budget) skip(why string) {
	if !slices.Contains(b.skipped, why) {
		b.skipped = append(b.skipped, why)
	}
}

func (b *budget) spend(n int) {
	b.n -= n
	if b.n <= 0 {
		b.exhausted = true
	}
}

// streamState is what detection carries from one window of a stream to
// the next: the decode budget, the wide encoding the stream was found to
// use, and how many findings each rule has made.
type streamState struct {
	path      string
	pathBytes []byte // path, for word searches without a copy per call
	budget    budget
	wide      *wideEncoding
	perRule   map[string]int
	capped    map[string]bool
	// window is the text of the window being scanned, for rules that
	// need a word anywhere in it (file_keywords); mentions caches the
	// answers per word.
	window   []byte
	mentions map[string]bool
	// mentioned holds the words an earlier window of the stream held
	// (rememberWords): a file keyword counts anywhere before the secret,
	// however far back
	mentioned map[string]bool
	// streaming is set once the stream is known to span several windows:
	// a rule whose file keywords a window lacks then still runs there
	// (its id in wordless for that window), and its findings wait in
	// pending for a later window to mention a word, or are dropped when
	// none does
	streaming bool
	wordless  map[string]bool
	pending   []finding.Finding
	// file, when set, is the whole file of which the stream is a part
	// (DetectPart) starting at partStart: file keywords count anywhere in
	// it, and YAML keys above a secret are looked for in it; windowBase
	// is the stream offset of the window being scanned
	file       []byte
	partStart  int
	windowBase int64
	// wordRules are the rules with file keywords that the window (or the
	// path) mentions: they run on decoded text too.
	wordRules []*compiledRule
	pathRules []*compiledRule
	pathDone  bool
	// pathGated are the rules kept out of the Set for their path
	// (Engine.pathGated) that the stream's path matches
	pathGated     []*compiledRule
	pathGatedDone bool
	// archiveDepth is how many archives hold the stream (archive.go);
	// expansion is what they may still expand to, shared by their members
	archiveDepth int
	expansion    *expansion
	// quiet streams (Redacted's) report no problems or warnings
	quiet bool
	// cutBefore and cutAfter say the window being scanned starts or ends
	// inside a line: a line longer than the windows' overlap, cut at a
	// seam (stream.go)
	cutBefore, cutAfter bool
}

// mention reports whether the file's path, the window being scanned (or
// an earlier one of the stream), or the decoded text content holds one of
// words.
func (st *streamState) mention(words [][]byte, content []byte) bool {
	// at the top level content is the window, already looked at
	decoded := !st.topLevel(content)
	for _, w := range words {
		if containsFold(st.pathBytes, w) {
			return true
		}
		seen, ok := st.mentions[string(w)]
		if !ok {
			seen = st.mentioned[string(w)] || containsFold(st.window, w) || containsFold(st.file, w)
			if st.mentions == nil {
				st.mentions = map[string]bool{}
			}
			st.mentions[string(w)] = seen
		}
		if seen || decoded && containsFold(content, w) {
			return true
		}
	}
	return false
}

func newStreamState(path string) *streamState {
	return &streamState{path: path, pathBytes: []byte(path), budget: budget{n: MaxDecodedBytes}}
}

// Detect returns the findings in f, ordered by position then rule.
func (e *Engine) Detect(f source.Fragment) []finding.Finding {
	st := newStreamState(f.Path)
	found, _ := e.detect(f, st)
	found = e.capFindings(found, st)
	e.finishStream(st)
	return found
}

// span is where the text a rule matched lies (for a secret found by
// decoding, the encoded text).
type span struct{ start, end int }

// detect returns the findings in one window of a stream and, for each,
// where the text its rule matched lies.
func (e *Engine) detect(f source.Fragment, st *streamState) ([]finding.Finding, []span) {
	e.stats.fragments.Add(1)
	e.stats.bytes.Add(int64(len(f.Content)))
	if len(e.rules) == 0 || len(f.Content) == 0 || e.global.pathAllowed(f.Path) {
		return nil, nil
	}
	st.window, st.mentions = f.Content, nil
	cands := e.scan(f.Path, f.Content, 0, "", st)
	st.window = nil
	if len(cands) == 0 {
		return nil, nil
	}
	cands = dedupe(cands, f.Content)
	spans := make([]span, len(cands))
	for i := range cands {
		spans[i] = span{cands[i].mstart, cands[i].mend}
	}
	return e.toFindings(f, cands), spans
}

// capFindings keeps at most MaxMatchesPerRule findings per rule in a
// stream; reaching the cap is a problem, so the run cannot pass. Findings
// accepted by an inline marker are kept and not counted: marked look-alikes
// must not push a real secret past the cap.
func (e *Engine) capFindings(found []finding.Finding, st *streamState) []finding.Finding {
	out := found[:0]
	for _, f := range found {
		if f.IsAccepted() {
			out = append(out, f)
			continue
		}
		if st.perRule == nil {
			st.perRule = map[string]int{}
		}
		if st.perRule[f.RuleID]++; st.perRule[f.RuleID] > MaxMatchesPerRule {
			e.limit(st, f.RuleID, fmt.Sprintf("rule %q has more than %d findings here; the rest are not reported", f.RuleID, MaxMatchesPerRule))
			continue
		}
		out = append(out, f)
	}
	return out
}

// limit reports a cap reached in a stream, once per rule and stream.
func (e *Engine) limit(st *streamState, ruleID, reason string) {
	if st.capped == nil {
		st.capped = map[string]bool{}
	}
	if st.capped[ruleID] {
		return
	}
	st.capped[ruleID] = true
	if !st.quiet {
		e.problem(st.path, reason)
	}
}

// finishStream reports what a stream's scan could not look at.
func (e *Engine) finishStream(st *streamState) {
	if st.quiet {
		return
	}
	if st.budget.exhausted {
		e.warn(st.path, fmt.Sprintf("more than %d MiB of encoded text; decoding stopped there, so secrets encoded past that point were not looked for", MaxDecodedBytes>>20))
	}
	for _, why := range st.budget.skipped {
		e.warn(st.path, why)
	}
}

// problem tells OnProblem that part of path went unexamined, and warn
// tells OnWarning what was not looked at. Both are said as the engine
// meets them, before any report, so they are said redacted (Redacted): a
// path, a file's or an archive member's name, is whatever whoever wrote
// the content chose.
func (e *Engine) problem(path, reason string) {
	if e.opts.OnProblem != nil {
		e.opts.OnProblem(e.Redacted(path), e.Redacted(reason))
	}
}

func (e *Engine) warn(path, msg string) {
	if e.opts.OnWarning != nil {
		e.opts.OnWarning(e.Redacted(path), e.Redacted(msg))
	}
}

// minRedacted is the shortest secret Redacted hides: a rule that matches
// anything would otherwise leave no message readable.
const minRedacted = 8

// Redacted returns text with every secret of minRedacted bytes or more
// that the engine finds in it shown as Secret.String shows it.
func (e *Engine) Redacted(text string) string {
	if len(e.rules) == 0 || text == "" {
		return text
	}
	st := newStreamState("")
	st.quiet = true
	found, _ := e.detect(source.Fragment{Content: []byte(text)}, st)
	for _, f := range found {
		if sec := f.Secret.Reveal(); len(sec) >= minRedacted {
			text = strings.ReplaceAll(text, sec, f.Secret.String())
		}
	}
	return text
}

// scan finds candidates in content and, within the decoding depth and byte
// budget, in the encoded text it holds. Candidates are in content's
// coordinates.
func (e *Engine) scan(path string, content []byte, depth int, joinedBy string, st *streamState) []candidate {
	var cands []candidate
	rules, exact := e.candidateRules(content)
	if e.wordSet {
		rules = e.withWordRules(rules, exact, content, depth, st)
	}
	rules = union(rules, e.pathGatedRules(st))
	for _, r := range rules {
		if r.path != nil && !r.path.MatchString(path) {
			continue
		}
		if r.allow.pathAllowed(path) {
			continue
		}
		if len(r.fileKeywords) > 0 && !r.byWords && !st.mention(r.fileKeywords, content) {
			if !st.streaming || depth > 0 {
				continue
			}
			if st.wordless == nil {
				st.wordless = map[string]bool{}
			}
			st.wordless[r.ID] = true
		}
		e.stats.ruleRuns.Add(1)
		cands = e.matchRule(cands, r, content, st)
	}
	if depth >= e.opts.MaxDecodeDepth {
		if depth > 0 && encodedBeyond(content, &st.budget) {
			st.budget.skip(fmt.Sprintf("encoded text nested more than %d layers deep was not decoded, so what it holds was not looked at (--max-decode-depth raises the limit)", e.opts.MaxDecodeDepth))
		}
		return cands
	}
	var known map[string]bool // secrets found so far, once lines are joined
	for _, seg := range e.segments(content, depth, joinedBy, st) {
		if seg.joined && known == nil {
			known = map[string]bool{}
			for i := range cands {
				known[cands[i].rule.ID+"\x00"+cands[i].secretIn(content)] = true
			}
		}
		by := ""
		if seg.joined {
			by = seg.how
		}
		for _, c := range dedupe(e.scan(path, seg.text, depth+1, by, st), seg.text) {
			if seg.joined && known[c.rule.ID+"\x00"+c.secretIn(seg.text)] {
				continue // found as it is, or in other decoded text
			}
			outer := candidate{rule: c.rule, checksum: c.checksum, secret: c.secretIn(seg.text), decoded: seg.how}
			if c.decoded != "" {
				outer.decoded = seg.how + ", then " + c.decoded
			}
			switch {
			case seg.wide != nil:
				outer.start, outer.end = seg.origin(c.start), seg.origin(c.end)
			case seg.spans != nil:
				// from the piece the secret starts in to the one it ends
				// in: a report hides the span, so no part of the secret
				// shows in the line around it
				outer.start, outer.end = seg.spanAt(c.start).start, seg.spanAt(max(c.end-1, c.start)).end
			default:
				outer.start, outer.end = seg.start, seg.end
			}
			outer.mstart, outer.mend = outer.start, outer.end
			if seg.wide != nil {
				outer.mstart, outer.mend = seg.origin(c.mstart), seg.origin(c.mend)
			}
			cands = append(cands, outer)
		}
	}
	return cands
}

// withWordRules completes the rules to run when the Set holds words for
// rules with file keywords: those whose words the window or the path holds
// (the window's words count for the text decoded from it too). Every rule
// going by its words that it returns is known to be mentioned.
func (e *Engine) withWordRules(rules []*compiledRule, exact bool, content []byte, depth int, st *streamState) []*compiledRule {
	if !exact {
		// the Set gave up and every rule is listed: check the words here
		kept := make([]*compiledRule, 0, len(rules))
		for _, r := range rules {
			if !r.byWords || st.mention(r.fileKeywords, content) {
				kept = append(kept, r)
			}
		}
		rules = kept
	}
	if depth == 0 {
		st.wordRules = st.wordRules[:0]
		for _, r := range rules {
			if r.byWords {
				st.wordRules = append(st.wordRules, r)
			}
		}
		st.wordRules = union(st.wordRules, e.pathRules(st))
	}
	return union(rules, st.wordRules)
}

// pathRules are the rules going by their words whose file keywords the
// stream's path holds.
func (e *Engine) pathRules(st *streamState) []*compiledRule {
	if !st.pathDone {
		st.pathDone = true
		for _, r := range e.byWords {
			for _, w := range r.fileKeywords {
				if containsFold(st.pathBytes, w) {
					st.pathRules = append(st.pathRules, r)
					break
				}
			}
		}
	}
	return st.pathRules
}

// pathGatedRules are the rules kept out of the Set for their path that
// the stream's path matches: they run on all of its text.
func (e *Engine) pathGatedRules(st *streamState) []*compiledRule {
	if !st.pathGatedDone {
		st.pathGatedDone = true
		for _, r := range e.pathGated {
			if r.path.MatchString(st.path) {
				st.pathGated = append(st.pathGated, r)
			}
		}
	}
	return st.pathGated
}

// union merges two lists of rules ordered by index, without repeats.
func union(a, b []*compiledRule) []*compiledRule {
	if len(b) == 0 {
		return a
	}
	out := make([]*compiledRule, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i].index < b[j].index):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j].index < a[i].index:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// segments finds the encoded text in content worth decoding. Wide text
// (UTF-16, UTF-32) is decoded whole and does not count against the
// budget: a window bounds it. joinedBy is how content was joined, when it
// was: literals are not joined again in joined literals, nor tags taken
// out again of text without its tags (a minified script's thousands of
// joins would be gathered again); decoded text is joined as a file's own
// text is (a UTF-16 PowerShell script, a base64 data: URI of a page).
func (e *Engine) segments(content []byte, depth int, joinedBy string, st *streamState) []segment {
	var out []segment
	if depth == 0 {
		if st.wide == nil {
			if enc, ok := sniffWide(content); ok {
				st.wide = &enc
			}
		}
		if st.wide != nil {
			out = append(out, wideSegment(content, *st.wide))
		} else {
			// UTF-16 strings inside binary content, a window bounding them
			out = append(out, wideRunSegments(content)...)
		}
	}
	out = append(out, base64Segments(content, &st.budget)...)
	out = append(out, hexSegments(content, &st.budget)...)
	out = append(out, base32Segments(content, &st.budget)...)
	out = append(out, percentSegments(content, &st.budget)...)
	out = append(out, escapeSegments(content, &st.budget)...)
	out = append(out, octalSegments(content, &st.budget)...)
	out = append(out, softBreakSegments(content, &st.budget)...)
	if joinedBy != howConcat {
		edges := depth == 0 // the window's own edges
		out = append(out, concatSegments(content, edges && st.cutBefore, edges && st.cutAfter)...)
	}
	if joinedBy != howMarkup {
		out = append(out, markupSegments(content)...)
	}
	out = append(out, binaryPatchSegments(content, &st.budget)...)
	out = append(out, entitySegments(content, &st.budget)...)
	out = append(out, codePointSegments(content, &st.budget)...)
	out = append(out, charCodeSegments(content, &st.budget)...)
	out = append(out, disguisedSegments(content, &st.budget)...)
	return out
}

// encodedBeyond reports whether content, text decoded as many layers deep
// as the engine decodes, holds encoded text that would decode to more: a
// token nested one layer deeper would pass unseen, so it is said. Nothing
// is spent from the budget.
func encodedBeyond(content []byte, b *budget) bool {
	if b.left() <= 0 {
		return false // the budget's own warning says decoding stopped
	}
	for _, find := range [...]func([]byte, *budget) []segment{base64Segments, base32Segments, hexSegments, percentSegments, escapeSegments, octalSegments, entitySegments, codePointSegments, charCodeSegments, disguisedSegments, binaryPatchSegments} {
		scratch := budget{n: b.left()}
		if len(find(content, &scratch)) > 0 {
			return true
		}
	}
	return false
}

// candidateRules runs the Set pass. If RE2 cannot finish it within its memory
// budget, every rule runs: the engine never drops content it could not prefilter.
// exact is false when the Set gave up and every rule is listed.
//
// A lazy engine that has not needed the Set yet scans small content
// without it (see Options.Lazy): the rules that can match are those with a
// keyword in content, since a match without one is dropped, and those
// without keywords.
func (e *Engine) candidateRules(content []byte) (rules []*compiledRule, exact bool) {
	if e.direct(content) {
		// each distinct keyword is looked for once (several rules share
		// "token", "conda", "secret")
		var buf [64]int8
		seen := knownOf(buf[:], len(e.words))
		var out []*compiledRule
		for _, r := range e.rules {
			if r.mayMatchWords(content, e.words, seen) && r.mayMatchShape(content) {
				out = append(out, r)
			}
		}
		return out, true
	}
	out, needSet := e.beforeSet().selectRules(content, e.set != nil)
	if needSet {
		if err := e.compileSet(); err != nil {
			return e.everyRule()
		}
		ids, err := e.set.set.FindAllWithError(content, len(e.set.rules))
		if err != nil {
			return e.everyRule()
		}
		out = union(e.set.selected(ids), out)
	}
	return out, true
}

// direct reports whether content is scanned without the Set.
func (e *Engine) direct(content []byte) bool {
	return e.opts.Lazy && !e.wordSet && len(content) <= DirectMax && !e.setReady.Load()
}

// mayMatchWords reports whether a match of r in content can pass its
// keyword check: r has no keywords, or content holds one. words are the
// engine's distinct keywords (r.wordIDs index them) and seen what is known
// of each in content: 0 not looked for yet, 1 there, -1 not.
func (r *compiledRule) mayMatchWords(content []byte, words [][]byte, seen []int8) bool {
	if len(r.wordIDs) == 0 {
		return true
	}
	for _, id := range r.wordIDs {
		if known(seen, id, func() bool { return containsFold(content, words[id]) }) {
			return true
		}
	}
	return false
}

// everyRule is what runs where the Set gave up: every rule.
func (e *Engine) everyRule() ([]*compiledRule, bool) {
	e.stats.setFallbacks.Add(1)
	return e.rules, false
}

// selected lists the rules whose expressions the Set matched, in the
// engine's order.
func (p *setPass) selected(ids []int) []*compiledRule {
	sort.Ints(ids)
	out := make([]*compiledRule, 0, len(ids))
	for _, id := range ids {
		out = append(out, p.rules[id])
	}
	return out
}

// findAll returns up to n matches of r in content. A match can run past its
// secret (a rule that needs context after the token, such as a client ID or
// a product name); FindAll resumes after the whole match, so a second
// secret inside that context would be lost. The text after each such
// secret is therefore searched again, and a match starting inside the
// previous one's context is kept too.
// rescanSpan bounds the text searched again after a secret: rules' trailing
// context is a few hundred bytes at most.
const rescanSpan = 4 << 10

func (r *compiledRule) findAll(content []byte, n int) [][]int {
	if r.compile() != nil {
		return nil // matchRule reports it
	}
	if len(content) < aroundMinContent {
		return r.findAllIn(content, n)
	}
	return r.atoms().findAll(content, n, r.findAllIn)
}

// findAllIn is findAll over the whole of content.
func (r *compiledRule) findAllIn(content []byte, n int) [][]int {
	matches := r.re.FindAllSubmatchIndex(content, n)
	if r.group == 0 {
		return matches
	}
	var out [][]int
	for i, m := range matches {
		if out != nil {
			out = append(out, m)
		}
		for len(matches)+len(out) <= 2*n {
			end := m[2*r.group+1]
			if end < 0 || m[1]-end <= 1 {
				break
			}
			// search a bounded span after the secret (each search copies
			// its input into the regex engine), and again in full only
			// when a match reaches the cut, where the cut may have
			// changed it
			hi := min(len(content), m[1]+rescanSpan)
			next := r.re.FindSubmatchIndex(content[end:hi])
			if next != nil && end+next[1] == hi && hi < len(content) {
				next = r.re.FindSubmatchIndex(content[end:])
			}
			if next == nil || next[0]+end >= m[1] {
				break // FindAll finds it
			}
			for j := range next {
				if next[j] >= 0 {
					next[j] += end
				}
			}
			if out == nil {
				out = append(make([][]int, 0, len(matches)+1), matches[:i+1]...)
			}
			out = append(out, next)
			m = next
		}
	}
	if out == nil {
		return matches
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func (e *Engine) matchRule(cands []candidate, r *compiledRule, content []byte, st *streamState) []candidate {
	if r.byWords && !r.holdsRun(content) {
		// the Set saw the rule's words, not its regex: text without the
		// run of bytes every match holds cannot match
		return cands
	}
	if err := r.compile(); err != nil {
		// a lazy engine met a regex RE2 refuses: the rule was not applied
		e.limit(st, r.ID, fmt.Sprintf("%v; the rule was not applied", err))
		return cands
	}
	matches := r.findAll(content, maxRawMatches+1)
	if len(matches) > maxRawMatches {
		matches = matches[:maxRawMatches]
		e.limit(st, r.ID, fmt.Sprintf("rule %q matched more than %d times in one window; the matches past that were not examined", r.ID, maxRawMatches))
	}
	kept := 0
	for _, m := range matches {
		start, end := m[0], m[1]
		if r.group > 0 {
			start, end = m[2*r.group], m[2*r.group+1]
		}
		if start < 0 || start == end {
			continue
		}
		c := candidate{rule: r, start: start, end: end, mstart: m[0], mend: m[1], checksum: finding.ChecksumNone}
		if !e.keep(&c, content, st) || e.exempt(st.path, c.secretIn(content)) {
			continue
		}
		cands = append(cands, c)
		if kept++; kept > maxKeptPerWindow {
			// inline markers may still accept many of these, so the stream
			// cap counts later; this bound only stops a rule that matches
			// everything from costing a finding per byte
			e.limit(st, r.ID, fmt.Sprintf("rule %q matched more than %d values that pass its checks in one window; the rest were not examined", r.ID, maxKeptPerWindow))
			break
		}
	}
	return cands
}

func (e *Engine) keep(c *candidate, content []byte, st *streamState) bool {
	r := c.rule
	match := content[c.mstart:c.mend]
	if len(r.keywords) > 0 {
		found := false
		for _, k := range r.keywords {
			if containsFold(match, k) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	secret := string(content[c.start:c.end])
	if r.Entropy > 0 && Entropy(secret) < r.Entropy {
		return false
	}
	if repeatsBlock(secret) {
		return false // a placeholder: no random token repeats itself
	}
	if r.validate != nil {
		if r.validate(secret) {
			c.checksum = finding.ChecksumValid
		} else if e.opts.ShowInvalid {
			c.checksum = finding.ChecksumInvalid
		} else {
			return false
		}
	}
	line := string(lineAround(content, c.start, c.end))
	if r.allow.allows(secret, string(match), line) || e.global.allows(secret, string(match), line) {
		return false
	}
	under, pos := content, c.start
	if st.file != nil && st.topLevel(content) {
		// a part of a file (DetectPart): the keys above the secret may lie
		// before the part
		under, pos = st.file, st.partStart+int(st.windowBase)+c.start
	}
	for _, a := range []*allowlist{&r.allow, &e.global} {
		if len(a.underKeys) > 0 && underKey(under, pos, a.underKeys) {
			return false
		}
	}
	return true
}

// topLevel reports whether content is the window being scanned, not text
// decoded from it.
func (st *streamState) topLevel(content []byte) bool {
	return len(content) == len(st.window) && (len(content) == 0 || &content[0] == &st.window[0])
}

// exempt reports whether secret is part of a string that the engine's
// options say is not a secret at path.
func (e *Engine) exempt(path, secret string) bool {
	for _, s := range e.opts.Exempt[path] {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

// dedupe keeps one candidate per secret span: when several rules capture the
// same bytes, the one with an offline validator wins, then one limited to
// certain paths (it knows more about the file), then the earlier rule. A
// secret found again by decoding (a percent-decoded URL holds the raw token
// too) is dropped in favour of the raw finding.
func dedupe(cands []candidate, content []byte) []candidate {
	raw := map[string]bool{}
	for i := range cands {
		if cands[i].decoded == "" {
			raw[cands[i].rule.ID+"\x00"+cands[i].secretIn(content)] = true
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end < b.end
		}
		if (a.rule.validate != nil) != (b.rule.validate != nil) {
			return a.rule.validate != nil
		}
		if (a.rule.path != nil) != (b.rule.path != nil) {
			return a.rule.path != nil
		}
		return a.rule.index < b.rule.index
	})
	out := cands[:0]
	seen := map[string]bool{}
	for i, c := range cands {
		if i > 0 && c.start == cands[i-1].start && c.end == cands[i-1].end && c.decoded == "" && cands[i-1].decoded == "" {
			continue
		}
		if c.decoded != "" {
			key := c.rule.ID + "\x00" + c.secret
			if raw[key] || seen[key+"\x00"+fmt.Sprint(c.start)] {
				continue
			}
			seen[key+"\x00"+fmt.Sprint(c.start)] = true
		}
		out = append(out, c)
	}
	return out
}

// toFindings computes line and column for each candidate in one forward walk
// over the content (candidates are sorted by start).
func (e *Engine) toFindings(f source.Fragment, cands []candidate) []finding.Finding {
	out := make([]finding.Finding, 0, len(cands))
	reach := 0 // the longest span: how far back a span may start and reach a context
	for _, c := range cands {
		reach = max(reach, c.end-c.start)
	}
	var pos tracker
	for i, c := range cands {
		line, col := pos.advance(f.Content, c.start)
		endLine, endCol := line, col
		if nl := bytes.Count(f.Content[c.start:c.end], []byte{'\n'}); nl > 0 {
			endLine = line + nl
			endCol = c.end - (bytes.LastIndexByte(f.Content[:c.end], '\n') + 1) + 1
		} else {
			endCol = col + (c.end - c.start)
		}
		secret := c.secretIn(f.Content)
		before, after := e.context(f.Content, cands, i, reach)
		out = append(out, finding.Finding{
			RuleID:        c.rule.ID,
			Description:   c.rule.Description,
			Remediation:   c.rule.Remediation,
			Tags:          c.rule.Tags,
			Path:          f.Path,
			Line:          line,
			Column:        col,
			EndLine:       endLine,
			EndColumn:     endCol,
			Offset:        c.start,
			End:           c.end,
			Decoded:       c.decoded,
			ContextBefore: before,
			ContextAfter:  after,
			Secret:        finding.Secret(secret),
			Entropy:       Entropy(secret),
			Checksum:      c.checksum,
		})
	}
	return out
}

// context returns up to contextBytes of the line before and after
// candidate i. With MaskContext, every other candidate's span there is
// redacted (a second token, or one found by decoding whose encoded form
// is on the line), and so is every value a rule's pattern captures.
func (e *Engine) context(content []byte, cands []candidate, i, reach int) (before, after string) {
	c := cands[i]
	ls, le := source.LineSpan(content, c.start, c.end, contextBytes)
	le = max(le, c.end)
	if !e.opts.MaskContext {
		return string(content[ls:c.start]), string(content[c.end:le])
	}
	return e.mask(maskSpans(content, ls, c.start, cands, i, reach)), e.mask(maskSpans(content, c.end, le, cands, i, reach))
}

// maskSpans returns content[from:to] with the spans of the candidates other
// than self that reach into it redacted: whole spans as a secret is shown,
// cut ones as "****". Spans are sorted by start, and none is longer than
// reach.
func maskSpans(content []byte, from, to int, cands []candidate, self, reach int) string {
	first := sort.Search(len(cands), func(k int) bool { return cands[k].start >= from-reach })
	var b strings.Builder
	pos := from
	for j := first; j < len(cands) && cands[j].start < to; j++ {
		o := cands[j]
		lo, hi := max(o.start, pos), min(o.end, to)
		if j == self || hi <= lo {
			continue
		}
		b.Write(content[pos:lo])
		if lo == o.start && hi == o.end {
			b.WriteString(finding.Redact(o.secretIn(content)))
		} else {
			b.WriteString("****")
		}
		pos = hi
	}
	b.Write(content[pos:to])
	return b.String()
}

// mask returns text with every value a rule's pattern captures replaced
// by its redacted form, whether or not it passes the rule's checks.
func (e *Engine) mask(text string) string {
	if len(e.rules) == 0 || text == "" {
		return text
	}
	content := []byte(text)
	type cut struct{ start, end int }
	var cuts []cut
	var rules []*compiledRule
	switch {
	case e.direct(content):
		// masking ignores keywords: every value any pattern captures
		rules = e.rules
	default:
		rules, _ = e.candidateRules(content)
		if e.wordSet {
			// the Set looked for these rules' words, not their values:
			// a context line is masked for every value any rule matches
			rules = union(rules, e.byWords)
		}
		// and for every value a rule kept out of the Set for its path
		// captures
		rules = union(rules, e.pathGated)
	}
	for _, r := range rules {
		if r.compile() != nil {
			continue // reported where the rule was to run
		}
		for _, m := range r.re.FindAllSubmatchIndex(content, -1) {
			start, end := m[0], m[1]
			if r.group > 0 {
				start, end = m[2*r.group], m[2*r.group+1]
			}
			if start >= 0 && end > start {
				cuts = append(cuts, cut{start, end})
			}
		}
	}
	if len(cuts) == 0 {
		return text
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].start < cuts[j].start })
	var b strings.Builder
	pos := 0
	for _, c := range cuts {
		if c.start < pos {
			c.start = pos
		}
		if c.end <= c.start {
			continue
		}
		b.WriteString(text[pos:c.start])
		b.WriteString(finding.Redact(text[c.start:c.end]))
		pos = c.end
	}
	b.WriteString(text[pos:])
	return b.String()
}

// tracker turns increasing byte offsets into 1-based line and column numbers.
type tracker struct {
	offset, line, lineStart int
}

func (t *tracker) advance(content []byte, offset int) (line, col int) {
	if t.line == 0 {
		t.line = 1
	}
	seg := content[t.offset:offset]
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		t.line += n
		t.lineStart = t.offset + bytes.LastIndexByte(seg, '\n') + 1
	}
	t.offset = offset
	return t.line, offset - t.lineStart + 1
}

// lineWindow bounds how far from a secret its line is looked for, so
// candidates in a single-line file of many megabytes cost no more than
// anywhere else.
const lineWindow = 4096

// lineAround returns the lines holding content[start:end], without line
// ends, cut to lineWindow bytes on either side.
func lineAround(content []byte, start, end int) []byte {
	ls, le := source.LineSpan(content, start, end, lineWindow)
	return content[ls:le]
}
