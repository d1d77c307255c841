package detect

import "bytes"

// String literals that code joins. A token written as two literals,
// "ghp_DzQ1xPz1" + "2RGx4HeO…", is whole only where the program runs:
// JavaScript, Java, C#, Go and Python join them with +, PHP with ., Lua
// with .., Visual Basic with &, SQL with ||, and C, Python and shell by
// writing them side by side ("a" "b", 'a'"b"), on one line or across
// lines. A run of such literals is a segment, its text the line it
// starts on with the literals' contents joined, when a seam between two
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
)

// concatSegments returns the runs of joined string literals in content.
func concatSegments(content []byte) []segment {
	var out []segment
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
		seg, end, ok := concatRun(content, i)
		at = max(end, at)
		if ok {
			out = append(out, seg)
		}
	}
	return out
}

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
// quote is at i: the segment, when a seam in it falls inside a token-like
// run, and where the run ends (past i).
func concatRun(content []byte, i int) (segment, int, bool) {
	q := content[i]
	open := openingQuote(content, i, q)
	if open < 0 {
		return segment{}, i + 1, false
	}
	lineStart := bytes.LastIndexByte(content[:open], '\n') + 1
	text := append([]byte(nil), content[lineStart:open+1]...)
	text = append(text, content[open+1:i]...)
	var seams []int
	end := i
	for n := 0; n < maxJoined; n++ {
		j, ok := joinedNext(content, end)
		if !ok {
			break
		}
		closeAt := closingQuote(content, j, content[j])
		if closeAt < 0 {
			break
		}
		seams = append(seams, len(text))
		text = append(text, content[j+1:closeAt]...)
		end = closeAt
	}
	lineEnd := len(content)
	if nl := bytes.IndexByte(content[end:], '\n'); nl >= 0 {
		lineEnd = end + nl
	}
	text = append(text, content[end:lineEnd]...)
	splits := false
	for _, s := range seams {
		splits = splits || tokenRunAround(text, s) >= minJoinedToken
	}
	if !splits || len(text) < minDecoded {
		return segment{}, end + 1, false
	}
	return segment{start: lineStart, end: lineEnd, text: text, how: "joined string literals", joined: true}, end + 1, true
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
