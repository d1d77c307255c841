package detect

import "bytes"

// Markup that splits a token. An office document keeps its text in XML
// runs, and a word processor splits a run wherever formatting, a spelling
// mark or an edit's revision id changes: a token pasted into a Word
// document is often "ghp_Dz</w:t></w:r><w:r><w:t>Q1x…" in
// word/document.xml (spreadsheets' rich text, presentations, ODF and SVG
// text split the same way). The text with its tags removed is a segment
// when a tag falls inside a run of at least minJoinedToken characters a
// token holds; its spans say which text node each part came from, so a
// finding points at the node it starts in.

// markupSegments returns content's text without its tags, when a tag
// splits a token-like run.
func markupSegments(content []byte) []segment {
	// markup closes its elements; code's comparisons do not ("a<b")
	if !closesElements(content) || !splitByTag(content) {
		return nil
	}
	// sized once: a document of short text nodes has as many as tags
	nodes := bytes.Count(content, []byte{'<'}) + 1
	text := make([]byte, 0, len(content))
	spans := make([]joinSpan, 0, nodes)
	seams := make([]int, 0, nodes)
	tags := newTags(content)
	for pos := 0; pos < len(content); {
		lt, gt := tags.next(pos)
		if lt < 0 {
			lt, gt = len(content), len(content)-1
		}
		if lt > pos {
			spans = append(spans, joinSpan{text: len(text), start: pos, end: lt})
			text = append(text, content[pos:lt]...)
		}
		if len(seams) == 0 || seams[len(seams)-1] != len(text) {
			seams = append(seams, len(text))
		}
		pos = gt + 1
	}
	split := false
	for _, s := range seams {
		split = split || tokenRunAround(text, s) >= minJoinedToken
	}
	if !split || len(spans) == 0 {
		return nil
	}
	return []segment{{start: spans[0].start, end: spans[len(spans)-1].end, text: text, how: howMarkup, joined: true, spans: spans}}
}

// howMarkup says a finding was in text whose tags were taken out.
const howMarkup = "markup"

// splitByTag reports whether a tag, or tags one after another, sit
// between two token characters: the cheap test before the text is built.
func splitByTag(content []byte) bool {
	tags := newTags(content)
	for pos := 0; ; {
		lt, gt := tags.next(pos)
		if lt < 0 {
			return false
		}
		before := lt > 0 && tokenChar(content[lt-1])
		// the tags that follow at once
		for {
			pos = gt + 1
			l, g := tags.next(pos)
			if l != pos {
				break
			}
			gt = g
		}
		if before && pos < len(content) && tokenChar(content[pos]) {
			return true
		}
	}
}

// tags finds the tags of content left to right: a "<" followed by a
// name's first character (or /, ! or ?) up to the first ">" after it,
// with no "<" between them. A tag has no bound on its length (an
// attribute may hold a data: URI): one would let a long tag between the
// halves of a token hide it. Each ">" is searched for once, so the search
// stays linear whatever the text.
type tags struct {
	content []byte
	gt      int // the first ">" at or after where the last search began; -1 for none
}

func newTags(content []byte) *tags { return &tags{content: content, gt: -2} }

// next returns the first tag at or after pos: its "<" and ">"; -1 when
// there is none.
func (t *tags) next(pos int) (lt, gt int) {
	content := t.content
	for pos < len(content) {
		i := bytes.IndexByte(content[pos:], '<')
		if i < 0 {
			return -1, -1
		}
		lt = pos + i
		pos = lt + 1
		if pos >= len(content) || !tagStart(content[pos]) {
			continue
		}
		if t.gt == -2 || t.gt >= 0 && t.gt < pos {
			t.gt = -1
			if j := bytes.IndexByte(content[pos:], '>'); j >= 0 {
				t.gt = pos + j
			}
		}
		if t.gt < 0 {
			return -1, -1 // no ">" after this "<": no tag after it either
		}
		// a "<" before the ">" starts the tag if any does
		if j := bytes.IndexByte(content[pos:t.gt], '<'); j >= 0 {
			pos += j
			continue
		}
		return lt, t.gt
	}
	return -1, -1
}

func tagStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

// closesElements reports whether content holds "</" or "/>", looking at
// each "<" and ">" (rarer in text and code than "/").
func closesElements(content []byte) bool {
	for i := 0; ; i++ {
		j := bytes.IndexByte(content[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if i+1 < len(content) && content[i+1] == '/' {
			return true
		}
	}
	for i := 0; ; i++ {
		j := bytes.IndexByte(content[i:], '>')
		if j < 0 {
			return false
		}
		i += j
		if i > 0 && content[i-1] == '/' {
			return true
		}
	}
}
