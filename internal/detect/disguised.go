package detect

import "bytes"

// GitHub tokens disguised so that they match no rule: written backwards
// ("…Xc2_phg"[::-1], split("").reverse()) or in ROT13 (codecs.decode(
// "tuc_…", "rot13")). Such a token is written so on purpose (GitHub
// revokes a token it sees pushed), and is a leak all the same. Each
// disguise turns the token's prefix into a fixed string holding an
// underscore ("_phg", "tuc_"): the underscores of the text are where to
// look, and the run of token characters around one that holds a disguised
// prefix is undone. The checksum the rules check keeps what is undone
// this way from being a guess.

// disguise is one way of writing a token so it does not match.
type disguise struct {
	how string
	// prefixes are the token prefixes disguised; reversed ones end the
	// run, the others start it
	prefixes [][]byte
	reversed bool
	undo     func(dst, run []byte)
}

var githubPrefixes = []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}

var disguises = []disguise{
	{how: "reversed", reversed: true, prefixes: mapPrefixes(reverseInto), undo: reverseInto},
	{how: "rot13", prefixes: mapPrefixes(rot13Into), undo: rot13Into},
}

func mapPrefixes(f func(dst, src []byte)) [][]byte {
	var out [][]byte
	for _, p := range githubPrefixes {
		b := make([]byte, len(p))
		f(b, []byte(p))
		out = append(out, b)
	}
	return out
}

func reverseInto(dst, src []byte) {
	for k := range src {
		dst[k] = src[len(src)-1-k]
	}
}

func rot13Into(dst, src []byte) {
	for k, c := range src {
		switch {
		case 'a' <= c && c <= 'z':
			c = 'a' + (c-'a'+13)%26
		case 'A' <= c && c <= 'Z':
			c = 'A' + (c-'A'+13)%26
		}
		dst[k] = c
	}
}

// disguisedSegments returns, for each run of token characters in content
// that holds a disguised GitHub prefix where the token's would be, a
// segment of the run undone.
func disguisedSegments(content []byte, budget *budget) []segment {
	var out []segment
	for i := 0; budget.left() > 0; {
		j := bytes.IndexByte(content[i:], '_')
		if j < 0 {
			break
		}
		u := i + j
		i = u + 1
		if !mayBeDisguised(content, u) {
			continue
		}
		for _, d := range disguises {
			if seg, ok := d.segmentAt(content, u); ok {
				budget.spend(len(seg.text))
				out = append(out, seg)
				i = max(i, seg.end)
				break
			}
		}
	}
	return out
}

// mayBeDisguised is the one test most underscores fail: the bytes around
// the one at u are those of a disguised prefix ("_?hg", "_tap_", "tu?_",
// "tvguho_").
func mayBeDisguised(content []byte, u int) bool {
	rest, before := content[u+1:], content[:u]
	return len(rest) >= 3 && rest[1] == 'h' && rest[2] == 'g' ||
		len(rest) >= 4 && string(rest[:4]) == "tap_" ||
		len(before) >= 3 && before[len(before)-3] == 't' && before[len(before)-2] == 'u' ||
		bytes.HasSuffix(before, []byte("tvguho"))
}

// segmentAt undoes the run of token characters at the underscore at u
// when a disguised prefix holds it where a token's prefix would be.
func (d disguise) segmentAt(content []byte, u int) (segment, bool) {
	for _, p := range d.prefixes {
		at := u - bytes.IndexByte(p, '_') // where p starts, u its first underscore
		if at < 0 || !bytes.HasPrefix(content[at:], p) {
			continue
		}
		start, end := at, at+len(p)
		if d.reversed {
			if end < len(content) && tokenChar(content[end]) {
				continue // the run goes on past the prefix
			}
			for start > 0 && tokenChar(content[start-1]) {
				start--
			}
		} else {
			if start > 0 && tokenChar(content[start-1]) {
				continue // the run starts before the prefix
			}
			for end < len(content) && tokenChar(content[end]) {
				end++
			}
		}
		if end-start-len(p) < minJoinedToken {
			continue
		}
		text := make([]byte, end-start)
		d.undo(text, content[start:end])
		return segment{start: start, end: end, text: text, how: d.how}, true
	}
	return segment{}, false
}
