package source

import "bytes"

// LineSpan returns the bounds of the lines holding content[start:end],
// without the final line end, looking at most window bytes before start and
// after end: a single-line file of many megabytes costs no more than any
// other.
func LineSpan(content []byte, start, end, window int) (lineStart, lineEnd int) {
	lo := max(0, start-window)
	lineStart = lo + bytes.LastIndexByte(content[lo:start], '\n') + 1
	hi := min(len(content), end+window)
	lineEnd = bytes.IndexByte(content[end:hi], '\n')
	if lineEnd < 0 {
		lineEnd = hi
	} else {
		lineEnd += end
	}
	if lineEnd > lineStart && content[lineEnd-1] == '\r' {
		lineEnd--
	}
	return lineStart, lineEnd
}
