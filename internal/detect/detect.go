package detect

import (
	"bytes"
	"sort"

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
	checksum   string
}

// Detect returns the findings in f, ordered by position then rule.
func (e *Engine) Detect(f source.Fragment) []finding.Finding {
	e.stats.fragments.Add(1)
	e.stats.bytes.Add(int64(len(f.Content)))
	if e.set == nil || len(f.Content) == 0 || e.global.pathAllowed(f.Path) {
		return nil
	}
	var cands []candidate
	for _, r := range e.candidateRules(f.Content) {
		if r.path != nil && !r.path.MatchString(f.Path) {
			continue
		}
		if r.allow.pathAllowed(f.Path) {
			continue
		}
		e.stats.ruleRuns.Add(1)
		cands = e.matchRule(cands, r, f.Content)
	}
	if len(cands) == 0 {
		return nil
	}
	return e.toFindings(f, dedupe(cands))
}

// candidateRules runs the Set pass. If RE2 cannot finish it within its memory
// budget, every rule runs: the engine never drops content it could not prefilter.
func (e *Engine) candidateRules(content []byte) []*compiledRule {
	return e.selectRules(e.set.FindAllWithError(content, len(e.rules)))
}

// selectRules maps the Set's answer to rules; on error every rule runs.
func (e *Engine) selectRules(ids []int, err error) []*compiledRule {
	if err != nil {
		e.stats.setFallbacks.Add(1)
		return e.rules
	}
	sort.Ints(ids)
	out := make([]*compiledRule, 0, len(ids))
	for _, id := range ids {
		out = append(out, e.rules[id])
	}
	return out
}

func (e *Engine) matchRule(cands []candidate, r *compiledRule, content []byte) []candidate {
	for _, m := range r.re.FindAllSubmatchIndex(content, -1) {
		start, end := m[0], m[1]
		if r.group > 0 {
			start, end = m[2*r.group], m[2*r.group+1]
		}
		if start < 0 || start == end {
			continue
		}
		c := candidate{rule: r, start: start, end: end, mstart: m[0], mend: m[1], checksum: "none"}
		if !e.keep(&c, content) {
			continue
		}
		cands = append(cands, c)
	}
	return cands
}

func (e *Engine) keep(c *candidate, content []byte) bool {
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
	if r.validate != nil {
		if r.validate(secret) {
			c.checksum = "valid"
		} else if e.opts.ShowInvalid {
			c.checksum = "invalid"
		} else {
			return false
		}
	}
	line := string(lineAround(content, c.start, c.end))
	if r.allow.allows(secret, string(match), line) || e.global.allows(secret, string(match), line) {
		return false
	}
	return true
}

// dedupe keeps one candidate per secret span: when several rules capture the
// same bytes, the one with an offline validator wins, then one limited to
// certain paths (it knows more about the file), then the earlier rule.
func dedupe(cands []candidate) []candidate {
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
	for i, c := range cands {
		if i > 0 && c.start == cands[i-1].start && c.end == cands[i-1].end {
			continue
		}
		out = append(out, c)
	}
	return out
}

// toFindings computes line and column for each candidate in one forward walk
// over the content (candidates are sorted by start).
func (e *Engine) toFindings(f source.Fragment, cands []candidate) []finding.Finding {
	out := make([]finding.Finding, 0, len(cands))
	var pos tracker
	for _, c := range cands {
		line, col := pos.advance(f.Content, c.start)
		endLine, endCol := line, col
		if nl := bytes.Count(f.Content[c.start:c.end], []byte{'\n'}); nl > 0 {
			endLine = line + nl
			endCol = c.end - (bytes.LastIndexByte(f.Content[:c.end], '\n') + 1) + 1
		} else {
			endCol = col + (c.end - c.start)
		}
		secret := string(f.Content[c.start:c.end])
		before, after := context(f.Content, c.start, c.end)
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
			ContextBefore: before,
			ContextAfter:  after,
			Secret:        finding.Secret(secret),
			Entropy:       Entropy(secret),
			Checksum:      c.checksum,
			Commit:        f.Commit,
		})
	}
	return out
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

// lineAround returns the lines holding content[start:end], without line ends.
func lineAround(content []byte, start, end int) []byte {
	ls := bytes.LastIndexByte(content[:start], '\n') + 1
	le := bytes.IndexByte(content[end:], '\n')
	if le < 0 {
		le = len(content)
	} else {
		le += end
	}
	return bytes.TrimRight(content[ls:le], "\r")
}

// context returns up to contextBytes of the line before and after a secret.
func context(content []byte, start, end int) (string, string) {
	ls := bytes.LastIndexByte(content[:start], '\n') + 1
	if start-ls > contextBytes {
		ls = start - contextBytes
	}
	le := bytes.IndexByte(content[end:], '\n')
	if le < 0 {
		le = len(content)
	} else {
		le += end
	}
	if le-end > contextBytes {
		le = end + contextBytes
	}
	return string(content[ls:start]), string(bytes.TrimRight(content[end:le], "\r"))
}
