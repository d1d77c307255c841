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
	// maxLiteral bounds the literal searched back for from its closing
	// quote, and forward from its opening one
	maxLiteral = 4 << 10
	// maxJoinGap bounds the space and operator between two literals
	maxJoinGap = 256
	// maxJoined bounds the literals one run joins
	maxJoined = 256
	// maxJoinContext bounds the text of the line kept each side of a run
	// (a key name before it, a rule's context after)
	maxJoinContext = 256
)

// concatSegments returns the runs of joined string literals in content,
// as one segment: the text around each run (its line, within
// maxJoinContext each side) with the run's literals joined, runs whose
// texts meet written as one. Its spans say where each run's text came
// from, so a finding points at its run.
func concatSegments(content []byte) []segment {
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
		run, ok := concatRun(content, i)
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
		from += bytes.LastIndexByte(content[from:r.open], '\n') + 1
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
		for _, p := range r.pieces {
			text = append(text, content[p[0]:p[1]]...)
		}
		text = append(text, content[r.close:to]...)
		prevEnd = to
	}
	return []segment{{start: spans[0].start, end: prevEnd, text: text, how: "joined string literals", joined: true, spans: spans}}
}

// joinedRun is a run of joined literals: the first one's opening quote,
// the last one's closing quote, and each literal's content.
type joinedRun struct {
	open, close int
	pieces      [][2]int
}

// joinSpan says where the text from span.text on came from in content:
// start:end.
type joinSpan struct{ text, start, end int }

// joinedNext returns the opening quote of the literal joined to the one
// whose closing quote is at i, when its content starts with a token
// character.
func joinedNext(content []byte, i int) (int, bool) {
	j := i + 1
	end := min(len(content), j+maxJoinGap)
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
// quote is at i; ok when a seam in it falls inside a token-like run.
func concatRun(content []byte, i int) (run joinedRun, ok bool) {
	q := content[i]
	run.open, run.close = openingQuote(content, i, q), i
	if run.open < 0 {
		return run, false
	}
	run.pieces = append(run.pieces, [2]int{run.open + 1, i})
	for n := 0; n < maxJoined; n++ {
		j, ok := joinedNext(content, run.close)
		if !ok {
			break
		}
		closeAt := closingQuote(content, j, content[j])
		if closeAt < 0 {
			break
		}
		run.pieces = append(run.pieces, [2]int{j + 1, closeAt})
		run.close = closeAt
	}
	// a seam splits a token when the token characters on both sides of
	// it, across the literals, are long enough to be one
	var joined []byte
	var seams []int
	for k, p := range run.pieces {
		if k > 0 {
			seams = append(seams, len(joined))
		}
		joined = append(joined, content[p[0]:p[1]]...)
	}
	for _, s := range seams {
		if tokenRunAround(joined, s) >= minJoinedToken {
			return run, true
		}
	}
	return run, false
}

// openingQuote returns the quote q that opens the literal closing at i on
// its line (not one a backslash escapes), or -1.
func openingQuote(content []byte, i int, q byte) int {
	for j := i - 1; j >= max(0, i-maxLiteral); j-- {
		switch content[j] {
		case '\n':
			return -1
		case q:
			if j == 0 || content[j-1] != '\\' {
				return j
			}
		}
	}
	return -1
}

// closingQuote returns the quote q that closes the literal opening at j on
// its line, or -1.
func closingQuote(content []byte, j int, q byte) int {
	for k := j + 1; k < min(len(content), j+1+maxLiteral); k++ {
		switch content[k] {
		case '\n':
			return -1
		case '\\':
			k++ // an escaped character
		case q:
			return k
		}
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
