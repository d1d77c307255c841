package detect

import "bytes"

// String literals that code joins. A token written as two literals,
// "ghp_DzQ1xPz1" + "2RGx4HeO…", is whole only where the program runs:
// JavaScript, Java, C#, Go and Python join them with +, PHP with ., Lua
// with .., Visual Basic with &, SQL with ||, and C, Python and shell by
// writing them side by side ("a" "b", 'a'"b"), on one line or across
// lines. A run of such literals is a segment, its text the line around
// it (up to maxJoinContext bytes each side) with the literals' contents
// joined, when a seam between two
// of them falls inside a run of at least minJoinedToken characters a token
// holds ("Hello, " + "world" is not one). What it finds is reported once
// (see Engine.scan).

const (
	// minJoinedToken is the shortest run of token characters across a
	// seam worth joining (the shortest token the rules look for is longer)
	minJoinedToken = 16
	// maxJoinContext bounds the text of the line kept each side of a run
	// (a key name before it, a rule's context after)
	maxJoinContext = 256
)

// Nothing else is bounded: a bound on a literal's length, on the space
// between two literals or on the literals a run joins would end a join
// where the text put it, and a token split there would pass. The search
// stays linear: a literal is looked for on its own line, back to the
// quote before it and on to the one after it, and each run is gathered
// once.

// concatSegments returns the runs of joined string literals in content,
// as one segment: the text around each run (its line, within
// maxJoinContext each side) with the run's literals joined, runs whose
// texts meet written as one. Its spans say where each run's text came
// from, so a finding points at its run.
//
// A window cut inside a long line (a seam, see stream.go) holds part of a
// literal at its start or end: cutBefore and cutAfter say so, and such a
// literal runs to the window's edge, so a token split across literals
// that straddle the seam is joined in one of the windows.
func concatSegments(content []byte, cutBefore, cutAfter bool) []segment {
	var runs []joinedRun
	// the quotes are found by kind, each searched for at memchr speed
	quotes := [...]byte{'"', '\'', '`'}
	next := [len(quotes)]int{-2, -2, -2}
	for at := 0; at < len(content); {
		i := -1
		for k, q := range quotes {
			if next[k] == -2 || next[k] >= 0 && next[k] < at {
				next[k] = -1
				if j := bytes.IndexByte(content[at:], q); j >= 0 {
					next[k] = at + j
				}
			}
			if next[k] >= 0 && (i < 0 || next[k] < i) {
				i = next[k]
			}
		}
		if i < 0 {
			break
		}
		at = i + 1
		// a closing quote after a token character, then an operator and
		// an opening quote before one
		if i == 0 || !tokenChar(content[i-1]) {
			continue
		}
		if _, ok := joinedNext(content, i); !ok {
			continue
		}
		// a literal opens past the runs before it: a quote that closed
		// one does not open another
		floor := 0
		if len(runs) > 0 {
			floor = runs[len(runs)-1].close + 1
		}
		run, ok := concatRun(content, i, floor, cutBefore, cutAfter)
		at = max(run.close+1, at)
		if ok {
			runs = append(runs, run)
		}
	}
	if len(runs) == 0 {
		return nil
	}
	var text []byte
	var spans []joinSpan
	prevEnd := -1
	for k, r := range runs {
		from := max(0, r.open-maxJoinContext)
		if from < r.open {
			from += bytes.LastIndexByte(content[from:r.open], '\n') + 1
		}
		switch {
		case prevEnd >= 0 && from <= prevEnd:
			from = prevEnd // the text goes on from the run before
		case prevEnd >= 0:
			text = append(text, '\n')
		}
		to := min(len(content), r.close+maxJoinContext)
		if nl := bytes.IndexByte(content[r.close:to], '\n'); nl >= 0 {
			to = r.close + nl
		}
		if k+1 < len(runs) {
			to = min(to, runs[k+1].open)
		}
		spans = append(spans, joinSpan{text: len(text), start: from, end: to})
		text = append(text, content[from:r.open+1]...)
		r.literals(content, func(from, to int) { text = append(text, content[from:to]...) })
		text = append(text, content[r.close:to]...)
		prevEnd = to
	}
	return []segment{{start: spans[0].start, end: prevEnd, text: text, how: howConcat, joined: true, spans: spans}}
}

// howConcat says a finding was in joined string literals.
const howConcat = "joined string literals"

// joinedRun is a run of joined literals: the first one's opening and
// closing quotes, and the last one's closing quote. An opening quote at
// -1 is before the content, a closing quote at len(content) after it
// (cutBefore, cutAfter).
type joinedRun struct {
	open, first, close int
	cutAfter           bool
}

// joinSpan says where the text from span.text on came from in content:
// start:end.
type joinSpan struct{ text, start, end int }

// joinedNext returns the opening quote of the literal joined to the one
// whose closing quote is at i, when its content starts with a token
// character.
func joinedNext(content []byte, i int) (int, bool) {
	j := i + 1
	end := len(content)
	ops := 0
	for j < end {
		switch c := content[j]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			j++
		case c == '\\' && j+1 < end && (content[j+1] == '\n' || content[j+1] == '\r'):
			j += 2 // a line continuation between them
		case c == '+' || c == '.' || c == '&' || c == '|' || c == '~':
			if ops++; ops > 2 {
				return 0, false
			}
			j++
		case c == '"' || c == '\'' || c == '`':
			if j+1 < len(content) && tokenChar(content[j+1]) && (ops == 0 || joinOperator(content[i+1:j])) {
				return j, true
			}
			return 0, false
		default:
			// a literal with a prefix: Python's f'…', r"…", b'…', rb"…",
			// C's L"…", u8"…"
			k := stringPrefixEnd(content, j)
			if k > j && k+1 < len(content) && tokenChar(content[k+1]) && (ops == 0 || joinOperator(content[i+1:j])) {
				return k, true
			}
			return 0, false
		}
	}
	return 0, false
}

// joinOperator reports whether the operator between two literals (among
// spaces) is one that joins strings: + . .. & || ~.
func joinOperator(gap []byte) bool {
	var op []byte
	for _, c := range gap {
		if c == '+' || c == '.' || c == '&' || c == '|' || c == '~' {
			op = append(op, c)
		}
	}
	switch string(op) {
	case "+", ".", "..", "&", "||", "~":
		return true
	}
	return false
}

// concatRun gathers the run of joined literals from the one whose closing
// quote is at i, opened at floor or after; ok when a seam in it falls
// inside a token-like run.
func concatRun(content []byte, i, floor int, cutBefore, cutAfter bool) (run joinedRun, ok bool) {
	var opened bool
	run.open, opened = openingQuote(content[floor:], i-floor, content[i], cutBefore && floor == 0)
	run.open += floor
	run.first, run.cutAfter = i, cutAfter
	if !opened {
		return run, false
	}
	// a seam splits a token when the token characters on both sides of
	// it, across the literals, are long enough to be one: tokenRunAround
	// of each seam, counted as the literals go by, nothing kept
	tokenRun, seamInRun, first := 0, false, true
	run.close = run.literals(content, func(from, to int) {
		if ok {
			return
		}
		if !first && tokenRun > 0 && from < to && tokenChar(content[from]) {
			seamInRun = true
		}
		first = false
		for _, c := range content[from:to] {
			if !tokenChar(c) {
				tokenRun, seamInRun = 0, false
				continue
			}
			if tokenRun++; seamInRun && tokenRun >= minJoinedToken {
				ok = true
				return
			}
		}
	})
	return run, ok
}

// literals calls yield with the content of each literal of the run, in
// order, and returns the last one's closing quote. The run's literals are
// found again rather than kept: a minified script may join millions.
func (run joinedRun) literals(content []byte, yield func(from, to int)) (close int) {
	yield(run.open+1, run.first)
	close = run.first
	for {
		j, ok := joinedNext(content, close)
		if !ok {
			return close
		}
		closeAt := closingQuote(content, j, content[j], run.cutAfter)
		if closeAt < 0 {
			return close
		}
		yield(j+1, closeAt)
		close = closeAt
	}
}

// openingQuote returns the quote q that opens the literal closing at i on
// its line (not one a backslash escapes), and whether there is one; -1
// when the line, cut before the content (cutBefore), opens it there.
func openingQuote(content []byte, i int, q byte, cutBefore bool) (int, bool) {
	for j := i - 1; j >= 0; j-- {
		switch content[j] {
		case '\n':
			return 0, false
		case q:
			if j == 0 || content[j-1] != '\\' {
				return j, true
			}
		}
	}
	return -1, cutBefore
}

// closingQuote returns the quote q that closes the literal opening at j on
// its line, or -1; len(content) when the line, cut after the content
// (cutAfter), closes it there.
func closingQuote(content []byte, j int, q byte, cutAfter bool) int {
	for k := j + 1; k < len(content); k++ {
		switch content[k] {
		case '\n':
			return -1
		case '\\':
			k++ // an escaped character
		case q:
			return k
		}
	}
	if cutAfter {
		return len(content)
	}
	return -1
}

// tokenRunAround is the length of the run of token characters in text
// that the seam at s (between text[s-1] and text[s]) falls in.
func tokenRunAround(text []byte, s int) int {
	if s == 0 || s >= len(text) || !tokenChar(text[s-1]) || !tokenChar(text[s]) {
		return 0
	}
	a, b := s-1, s
	for a > 0 && tokenChar(text[a-1]) {
		a--
	}
	for b < len(text) && tokenChar(text[b]) {
		b++
	}
	return b - a
}

// stringPrefixEnd returns the quote that a string literal's prefix at j
// (one or two of f, r, b, u, L, or u8, in either case) comes before, or
// j when there is none.
func stringPrefixEnd(content []byte, j int) int {
	for k := j; k < len(content) && k-j <= 2; k++ {
		switch content[k] {
		case '"', '\'':
			if k > j {
				return k
			}
			return j
		case 'f', 'F', 'r', 'R', 'b', 'B', 'u', 'U', 'L':
		case '8':
			if k == j || content[k-1] != 'u' {
				return j
			}
		default:
			return j
		}
	}
	return j
}
