package detect

import "bytes"

// Tokens written backwards. A token committed as "…Xc2_phg"[::-1] (or
// reversed by strrev, split("").reverse()) does not match its rule, and
// is written so for that reason: the token's own service stops revoking
// it when it is pushed. GitHub's tokens are the ones written so: each
// ends, reversed, with its prefix backwards ("_phg" for "ghp_"), and a
// run of token characters that ends so is read backwards. The checksum
// their rules check keeps what is read this way from being a guess.

// reversedPrefixes are GitHub's token prefixes, backwards.
var reversedPrefixes = func() [][]byte {
	var out [][]byte
	for _, p := range []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"} {
		b := []byte(p)
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		out = append(out, b)
	}
	return out
}()

// reversedSegments returns, for each run of token characters in content
// that ends with a reversed prefix, a segment of the run read backwards.
func reversedSegments(content []byte, budget *budget) []segment {
	var out []segment
	for i := 0; budget.left() > 0; {
		j := bytes.Index(content[i:], []byte("_"))
		if j < 0 {
			break
		}
		i += j + 1
		at := i - 1
		// "_?hg" or "_tap_": the one test most underscores fail
		if rest := content[i:]; !(len(rest) >= 3 && rest[1] == 'h' && rest[2] == 'g' || len(rest) >= 4 && string(rest[:4]) == "tap_") {
			continue
		}
		for _, p := range reversedPrefixes {
			if !bytes.HasPrefix(content[at:], p) {
				continue
			}
			end := at + len(p)
			if end < len(content) && tokenChar(content[end]) {
				continue // the run goes on: not a token's start
			}
			start := at
			for start > 0 && tokenChar(content[start-1]) {
				start--
			}
			if at-start < minJoinedToken {
				continue
			}
			text := make([]byte, end-start)
			for k := range text {
				text[k] = content[end-1-k]
			}
			budget.spend(len(text))
			out = append(out, segment{start: start, end: end, text: text, how: "reversed"})
			i = end
			break
		}
	}
	return out
}
