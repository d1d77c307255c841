package git

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/finding"
)

// Scanning the changed part of an edited blob.
//
// A history scan reports what each commit introduced. For a file edited in
// place (one previous version), what a commit can introduce lies where the
// edit is: the rest of the file is the previous version's text, already
// scanned with it. So only the changed part is scanned: from the first to
// the last changed byte (common prefix and suffix trimmed), widened to
// whole lines, over runs of token-like lines (wrapped base64, key bodies)
// that a change inside may belong to, and by partContextLines lines and at
// least partContextBytes bytes on each side, more than any rule's context
// (the widest, a client secret's, reaches 200 bytes or 8 lines). Rules that
// need a word anywhere in the file still look in the whole file.
//
// The whole blob is scanned instead when it is small (under partMinBlob,
// where reading the previous version costs more than it saves), when the
// part would be most of it, when either version holds NUL bytes (binary or
// UTF-16 text, which is decoded whole), is larger than partMaxBlob or
// --max-file-size, or cannot be read (the whole scan reports those), and
// when the detector cannot scan parts at the path exactly (path-scoped
// rules may anchor to the whole content; an edit may add or remove a word
// a rule needs anywhere in the file).
const (
	partContextLines = 10
	partContextBytes = 512
	partMaxBlob      = 4 << 20
	partMinBlob      = 16 << 10
	// a line of encoded text has at least tokenLineMin bytes (tokenLine)
	tokenLineMin = 4
)

// errNotPart says a change is scanned whole.
var errNotPart = errors.New("scanned whole")

// introducedPart is introduced for a blob edited in place, scanning only
// the changed part; errNotPart means the whole blob must be scanned.
func (b *blobScanner) introducedPart(repo *Repo, c Change) ([]finding.Finding, error) {
	if len(c.Old) != 1 {
		return nil, errNotPart
	}
	// a small blob costs less to scan whole than to compare with the
	// previous version, which would have to be read too; one over
	// --max-file-size is the whole scan's to report
	size, err := repo.repo.Storer.EncodedObjectSize(c.New)
	if err != nil || size < partMinBlob || (b.opts.MaxBlobSize > 0 && size > b.opts.MaxBlobSize) {
		return nil, errNotPart
	}
	// a blob that cannot be read is the whole scan's to report, as it
	// would (the previous version only matters there if the new one has
	// findings)
	newData, err := b.recent.read(repo, c.New)
	if err != nil {
		return nil, errNotPart
	}
	oldData, err := b.recent.read(repo, c.Old[0])
	if err != nil {
		return nil, errNotPart
	}
	prefix, suffix := sharedEnds(oldData, newData)
	start, end := changedPart(newData, prefix, suffix)
	if 4*(end-start) > 3*len(newData) {
		return nil, errNotPart
	}
	found, ok, err := b.opts.Detector.DetectPart(c.Path, oldData, newData, prefix, suffix, start, end)
	if !ok {
		return nil, errNotPart
	}
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", c.New, err)
	}
	b.opts.Stats.Parts.Add(1)
	b.opts.Stats.BlobBytes.Add(int64(end - start))
	lines := bytes.Count(newData[:start], []byte{'\n'})
	var out []finding.Finding
	var old *blobResult
	for _, f := range found {
		f.Line += lines
		f.EndLine += lines
		f.Offset += start
		f.End += start
		// a secret the previous version holds may be one of its findings:
		// that version is scanned whole (once) to decide, as a whole-blob
		// scan decides; one it does not hold cannot be, unless the
		// previous version held it encoded
		if f.Decoded != "" || bytes.Contains(oldData, []byte(f.Secret.Reveal())) {
			if old == nil {
				if old = b.scan(repo, c.Old[0], c.Path); old.err != nil {
					b.problem(c, fmt.Errorf("previous version: %w", old.err))
				}
			}
			if old.keys[f.SecretKey()] {
				continue
			}
		}
		f.Path = c.Path
		f.Commit = c.Commit
		out = append(out, f)
	}
	return out, nil
}

// recentBlobs keeps the blobs part scans read lately, up to
// recentBlobsMax bytes: a history walks from children to parents, so the
// previous version read for one commit is the new version of the next.
type recentBlobs struct {
	mu    sync.Mutex
	data  map[plumbing.Hash][]byte
	order []plumbing.Hash
	size  int
}

const recentBlobsMax = 4 << 20

// read returns blob h whole, from the cache or the repository; errNotPart
// when it is larger than partMaxBlob or holds a NUL byte.
func (rb *recentBlobs) read(repo *Repo, h plumbing.Hash) ([]byte, error) {
	rb.mu.Lock()
	data, ok := rb.data[h]
	rb.mu.Unlock()
	if ok {
		return data, nil
	}
	data, err := readSmallBlob(repo, h)
	if err != nil {
		return nil, err
	}
	rb.mu.Lock()
	defer rb.mu.Unlock()
	if _, ok := rb.data[h]; ok || len(data) > recentBlobsMax/4 {
		return data, nil
	}
	if rb.data == nil {
		rb.data = map[plumbing.Hash][]byte{}
	}
	for rb.size+len(data) > recentBlobsMax && len(rb.order) > 0 {
		rb.size -= len(rb.data[rb.order[0]])
		delete(rb.data, rb.order[0])
		rb.order = rb.order[1:]
	}
	rb.data[h] = data
	rb.order = append(rb.order, h)
	rb.size += len(data)
	return data, nil
}

// readSmallBlob reads blob h whole, or returns errNotPart when it is larger
// than partMaxBlob or holds a NUL byte. The bytes come from the object
// store as built (a delta's result, or the inflated object), not copied
// through a reader; they are shared and must not be modified.
func readSmallBlob(repo *Repo, h plumbing.Hash) ([]byte, error) {
	size, err := repo.objects.EncodedObjectSize(h)
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", h, err)
	}
	if size > partMaxBlob {
		return nil, errNotPart
	}
	data, err := repo.objects.readObject(h, plumbing.BlobObject)
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", h, err)
	}
	// a blob that holds more or less than it says is an error, not a
	// short scan
	if int64(len(data)) != size {
		return nil, fmt.Errorf("object %s: %d bytes, its header says %d", h, len(data), size)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, errNotPart
	}
	return data, nil
}

// sharedEnds returns how many bytes prev and cur share at their start and,
// after that, at their end.
func sharedEnds(prev, cur []byte) (prefix, suffix int) {
	n := min(len(prev), len(cur))
	// whole blocks first (bytes.Equal compares many bytes per step), then
	// byte by byte within the block that differs
	for prefix+endsBlock <= n && bytes.Equal(prev[prefix:prefix+endsBlock], cur[prefix:prefix+endsBlock]) {
		prefix += endsBlock
	}
	for prefix < n && prev[prefix] == cur[prefix] {
		prefix++
	}
	for suffix+endsBlock <= n-prefix && bytes.Equal(prev[len(prev)-suffix-endsBlock:len(prev)-suffix], cur[len(cur)-suffix-endsBlock:len(cur)-suffix]) {
		suffix += endsBlock
	}
	for suffix < n-prefix && prev[len(prev)-1-suffix] == cur[len(cur)-1-suffix] {
		suffix++
	}
	return prefix, suffix
}

// endsBlock is how many bytes sharedEnds compares at once.
const endsBlock = 64

// changedPart returns the part of cur to scan for what an edit can have
// introduced, given the bytes cur shares with the previous version at its
// start and end (see the comment at the top of this file).
func changedPart(cur []byte, prefix, suffix int) (start, end int) {
	first, last := prefix, len(cur)-suffix
	start, end = snapStart(cur, first), snapEnd(cur, last)
	for start > 0 && tokenLine(cur[prevLineStart(cur, start):start]) {
		start = prevLineStart(cur, start)
	}
	for end < len(cur) && tokenLine(cur[end:nextLineEnd(cur, end)]) {
		end = nextLineEnd(cur, end)
	}
	for i := 0; start > 0 && (i < partContextLines || first-start < partContextBytes); i++ {
		start = prevLineStart(cur, start)
	}
	for i := 0; end < len(cur) && (i < partContextLines || end-last < partContextBytes); i++ {
		end = nextLineEnd(cur, end)
	}
	return start, end
}

// snapStart is the start of the line holding offset i.
func snapStart(b []byte, i int) int { return bytes.LastIndexByte(b[:i], '\n') + 1 }

// snapEnd is the first line end (just past a newline, or the end of b) at
// or after offset i.
func snapEnd(b []byte, i int) int {
	if i == 0 || b[i-1] == '\n' {
		return i
	}
	return nextLineEnd(b, i)
}

// prevLineStart is the start of the line before the one starting at i > 0.
func prevLineStart(b []byte, i int) int { return bytes.LastIndexByte(b[:i-1], '\n') + 1 }

// nextLineEnd is the end (newline included) of the line holding offset i.
func nextLineEnd(b []byte, i int) int {
	if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(b)
}

// tokenLine reports whether line is a line of encoded text (a line of
// wrapped base64, a key body, a quoted piece of one): at least tokenLineMin
// bytes once indentation is set aside, all of them from encodings'
// alphabets, quotes and commas. A run's short last line ("AB==") counts.
func tokenLine(line []byte) bool {
	line = bytes.TrimRight(bytes.TrimLeft(line, " \t"), "\r\n")
	if len(line) < tokenLineMin {
		return false
	}
	for _, c := range line {
		if !tokenByte[c] {
			return false
		}
	}
	return true
}

var tokenByte = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.%\\:\"',") {
		t[c] = true
	}
	return t
}()
