package detect

import (
	"bytes"
	"compress/zlib"
	"io"
	"strconv"
)

// Git binary patches. `git diff --binary` and `git format-patch` write a
// binary file's change as "GIT binary patch", then hunks ("literal N":
// the new content; "delta N": a delta on the old one), each deflated and
// written in git's base85, a line each of up to 52 bytes whose first
// character says how many. Patch files are committed (a conda-forge
// recipe's patches/, a project's fixes for a vendored library) and mailed;
// a token in a binary file they change is in neither the patch's text nor
// any other file. Each hunk is decoded and inflated: a literal is the
// file's content, scanned; a delta is instructions on the file before the
// patch, which is not in it: the text it inserts is scanned, and that the
// rest could not be is said.

var binaryPatchMarker = []byte("GIT binary patch\n")

// base85Value maps git's base85 alphabet to its values (-1 elsewhere).
var base85Value = func() [256]int8 {
	var v [256]int8
	for i := range v {
		v[i] = -1
	}
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"
	for i := 0; i < len(alphabet); i++ {
		v[alphabet[i]] = int8(i)
	}
	return v
}()

// binaryPatchSegments returns the text the binary patches in content hold.
func binaryPatchSegments(content []byte, budget *budget) []segment {
	var out []segment
	for at := 0; budget.left() > 0; {
		i := bytes.Index(content[at:], binaryPatchMarker)
		if i < 0 {
			break
		}
		at += i + len(binaryPatchMarker)
		// the forward hunk, then the reverse one, each ended by an empty
		// line
		for n := 0; n < 2 && budget.left() > 0; n++ {
			seg, end, ok := binaryHunk(content, at, budget)
			if end == at {
				break
			}
			at = end
			if ok {
				budget.spend(len(seg.text))
				out = append(out, seg)
			}
		}
	}
	return out
}

// binaryHunk decodes the hunk whose header ("literal N" or "delta N")
// starts at at: its text, and where the hunk ends (at itself when no hunk
// starts there).
func binaryHunk(content []byte, at int, budget *budget) (segment, int, bool) {
	nl := bytes.IndexByte(content[at:], '\n')
	if nl < 0 {
		return segment{}, at, false
	}
	header := bytes.TrimSuffix(content[at:at+nl], []byte("\r"))
	kind, size, ok := bytes.Cut(header, []byte(" "))
	if !ok || !bytes.Equal(kind, []byte("literal")) && !bytes.Equal(kind, []byte("delta")) {
		return segment{}, at, false
	}
	n, err := strconv.Atoi(string(size))
	if err != nil || n < 0 {
		return segment{}, at, false
	}
	var deflated []byte
	line := at + nl + 1
	for line < len(content) {
		end := len(content)
		if j := bytes.IndexByte(content[line:], '\n'); j >= 0 {
			end = line + j
		}
		l := bytes.TrimSuffix(content[line:end], []byte("\r"))
		next := min(end+1, len(content))
		if len(l) == 0 {
			line = next
			break
		}
		var ok bool
		if deflated, ok = appendBase85Line(deflated, l); !ok {
			// not a hunk's line: the hunk ends before it
			break
		}
		line = next
	}
	limit := min(n, budget.left())
	zr, err := zlib.NewReader(bytes.NewReader(deflated))
	if err != nil {
		return segment{}, line, false
	}
	defer zr.Close()
	// what inflates before damage is kept: it is what git would apply
	text, _ := io.ReadAll(io.LimitReader(zr, int64(limit)))
	if limit < n && len(text) == limit {
		// cut by the decode budget: said when the stream ends
		budget.exhausted = true
	}
	how := "git binary patch"
	if k := sniffArchive(text); k == gzipStream || k == zstdStream || k == xzStream || k == zipArchive {
		// a compressed file the patch adds: its content
		seg, ok := decompressedSegment(text, at, line, how, budget)
		return seg, line, ok
	}
	if bytes.Equal(kind, []byte("delta")) {
		budget.skip("a git binary patch holds a delta on a file not in it: only the text the delta inserts was scanned")
	}
	seg, ok := textSegment(text, at, line, how)
	return seg, line, ok && len(seg.text) >= minDecoded
}

// appendBase85Line decodes one line of a binary patch: a length character
// (A-Z for 1-26 bytes, a-z for 27-52), then five base85 characters for
// each four bytes.
func appendBase85Line(out, line []byte) ([]byte, bool) {
	if len(line) < 6 {
		return out, false
	}
	var n int
	switch c := line[0]; {
	case 'A' <= c && c <= 'Z':
		n = int(c-'A') + 1
	case 'a' <= c && c <= 'z':
		n = int(c-'a') + 27
	default:
		return out, false
	}
	data := line[1:]
	if len(data) != (n+3)/4*5 {
		return out, false
	}
	for i := 0; i < len(data); i += 5 {
		var acc uint64
		for _, c := range data[i : i+5] {
			v := base85Value[c]
			if v < 0 {
				return out, false
			}
			acc = acc*85 + uint64(v)
		}
		if acc > 0xffffffff {
			return out, false
		}
		word := [4]byte{byte(acc >> 24), byte(acc >> 16), byte(acc >> 8), byte(acc)}
		take := min(4, n)
		out = append(out, word[:take]...)
		n -= take
	}
	return out, true
}
