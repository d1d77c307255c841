package detect

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"slices"
	"sync"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/source"
)

// Windowing: content is scanned in windows of WindowSize bytes that overlap
// by at least WindowOverlap, so memory stays bounded by the window and
// cancellation is noticed between windows. The next window starts at the
// line that holds the cut, so context a rule needs before a secret on the
// same line (a variable name, a URL) is in the window that reports it; a
// finding belongs to the window where its rule's match starts.
const (
	WindowSize    = 16 << 20
	WindowOverlap = 64 << 10
)

// DetectReader scans r as the content at path, window by window. hook, when
// set, sees each window with its findings (offsets relative to the window)
// before they are moved to stream coordinates, e.g. to apply inline
// markers. It returns the findings and the number of bytes read.
func (e *Engine) DetectReader(ctx context.Context, path string, r io.Reader, hook func(window []byte, found []finding.Finding)) ([]finding.Finding, int64, error) {
	return e.detectWindows(ctx, path, r, WindowSize, WindowOverlap, hook)
}

// DetectPart scans file[start:end] as the content at path, as DetectReader
// would, with findings in the part's coordinates, while rules that need a
// word anywhere in the file (file_keywords) look for it in all of file.
// It serves a history scan that reads only the part of a blob an edit
// changed (widened by the context rules need); callers must not use it
// when PartsExact is false.
func (e *Engine) DetectPart(ctx context.Context, path string, file []byte, start, end int, hook func(window []byte, found []finding.Finding)) ([]finding.Finding, int64, error) {
	st := newStreamState(path)
	st.file, st.partStart = file, start
	return e.detectStream(ctx, st, bytes.NewReader(file[start:end]), WindowSize, WindowOverlap, hook)
}

// PartsExact reports whether scanning only a part of cur, the content at
// path edited from prev, finds what changed: the findings of cur outside
// the part are then those of prev. It is not so when a path-scoped rule
// applies at path (such rules may anchor to the start and end of the
// content, as a token file's does); when the edit adds or removes a word a
// rule needs in the file (file_keywords), which changes what is found far
// from the edit; or when the Set looks for rules' file keywords instead of
// their patterns (an imported rule pack).
//
// prefix and suffix are the lengths of the text prev and cur share at their
// start and end: only occurrences of a word that overlap the text between
// can differ, so the whole texts are searched only when those differ.
func (e *Engine) PartsExact(path string, prev, cur []byte, prefix, suffix int) bool {
	if e.wordSet || sniffArchive(cur) != notArchive {
		return false
	}
	for _, r := range e.rules {
		if r.path != nil && r.path.MatchString(path) {
			return false
		}
		for _, w := range r.fileKeywords {
			if wordChanged(prev, cur, prefix, suffix, w) {
				return false
			}
		}
	}
	return true
}

// wordChanged reports whether one of prev and cur holds w and the other
// does not, given that they share their first prefix and last suffix
// bytes.
func wordChanged(prev, cur []byte, prefix, suffix int, w []byte) bool {
	k := len(w) - 1
	around := func(b []byte) []byte { return b[max(0, prefix-k):min(len(b), len(b)-suffix+k)] }
	if containsFold(around(prev), w) == containsFold(around(cur), w) {
		return false
	}
	// the edit made or removed one occurrence: another in the shared
	// text keeps the file mentioning w either way
	return !containsFold(cur[:prefix], w) && !containsFold(cur[len(cur)-suffix:], w)
}

func (e *Engine) detectWindows(ctx context.Context, path string, r io.Reader, size, overlap int, hook func([]byte, []finding.Finding)) ([]finding.Finding, int64, error) {
	return e.detectStream(ctx, newStreamState(path), r, size, overlap, hook)
}

func (e *Engine) detectStream(ctx context.Context, st *streamState, r io.Reader, size, overlap int, hook func([]byte, []finding.Finding)) ([]finding.Finding, int64, error) {
	var out []finding.Finding
	path := st.path
	defer e.finishStream(st)
	// Most content (a history's blobs) is a few kilobytes: the first buffer
	// comes from a pool too, so each blob does not allocate and clear one.
	var buf []byte
	if size >= firstBufSize {
		buf = (*firstBufs.Get().(*[]byte))[:0]
	} else {
		buf = make([]byte, 0, size)
	}
	pooled := false
	defer func() {
		switch {
		case pooled:
			windows.Put(&buf)
		case cap(buf) == firstBufSize:
			firstBufs.Put(&buf)
		}
	}()
	var base int64 // stream offset of buf[0]
	lineBase, colBase := 0, 0
	// seamEnd is, per rule, where the last match reported from an earlier
	// window ends: a later window may see part of it again; seamSecrets are
	// the secret spans reported from the previous window that reach past
	// its cut, which another rule may find again from the next window
	var seamEnd map[string]int64
	var seamSecrets map[[2]int64]bool
	// an archive is captured as its raw bytes are scanned, then opened
	var archive *archiveCapture
	sniffed, zipLater := false, false
	for {
		if err := ctx.Err(); err != nil {
			return out, base + int64(len(buf)), err
		}
		var last bool
		var err error
		buf, last, err = fill(r, buf, size, func(buf []byte, want int) []byte {
			var grown []byte
			if want < 1<<20 || size != WindowSize || pooled {
				grown = append(make([]byte, 0, want), buf...)
			} else {
				// a large stream: take a full window from the pool
				// instead of growing (and discarding) ever larger buffers
				pooled = true
				grown = append((*windows.Get().(*[]byte))[:0], buf...)
			}
			if cap(buf) == firstBufSize {
				firstBufs.Put(&buf)
			}
			return grown
		})
		if err != nil {
			return out, base + int64(len(buf)), err
		}
		switch {
		case !sniffed:
			sniffed = true
			archive, r = e.captureArchive(st, buf, r)
		case archive == nil && !zipLater && holdsZipMember(buf):
			// a zip after more than a window of other bytes: its
			// members are read from their local headers on
			zipLater = true
			archive, r = e.captureZipFrom(st, buf, r)
		}
		st.windowBase = base
		st.streaming = st.streaming || !last
		st.cutAfter = !last && len(buf) > 0 && buf[len(buf)-1] != '\n'
		clear(st.wordless)
		found, spans := e.detect(source.Fragment{Path: path, Content: buf}, st)
		if hook != nil {
			hook(buf, found)
		}
		cut := len(buf)
		if !last {
			cut = seamCut(buf, base, overlap, st.wide)
		}
		kept := found[:0]
		var ends map[string]int64
		var reaching map[[2]int64]bool
		for i, f := range found {
			start, end := base+int64(spans[i].start), base+int64(spans[i].end)
			secret := [2]int64{base + int64(f.Offset), base + int64(f.End)}
			if spans[i].start >= cut || start < seamEnd[f.RuleID] || seamSecrets[secret] {
				continue // reported by the next window, or by the last one
			}
			if ends == nil {
				ends = map[string]int64{}
			}
			ends[f.RuleID] = max(ends[f.RuleID], end)
			if spans[i].end > cut {
				if reaching == nil {
					reaching = map[[2]int64]bool{}
				}
				reaching[secret] = true
			}
			if st.wordless[f.RuleID] && f.Decoded == "" {
				st.pending = append(st.pending, shift(f, base, lineBase, colBase))
				continue
			}
			kept = append(kept, shift(f, base, lineBase, colBase))
		}
		seamSecrets = reaching
		out = append(out, e.capFindings(kept, st)...)
		if st.streaming {
			e.rememberWords(st, buf)
		}
		if last {
			out = e.releasePending(out, st)
			if archive != nil {
				out = e.expandArchive(ctx, st, archive, out, hook)
			}
			return out, base + int64(len(buf)), nil
		}
		for id, end := range ends {
			if seamEnd == nil {
				seamEnd = map[string]int64{}
			}
			seamEnd[id] = max(seamEnd[id], end)
		}
		head := buf[:cut]
		if nl := bytes.LastIndexByte(head, '\n'); nl >= 0 {
			lineBase += bytes.Count(head, []byte{'\n'})
			colBase = cut - nl - 1
		} else {
			colBase += cut
		}
		st.cutBefore = buf[cut-1] != '\n'
		copy(buf, buf[cut:])
		buf = buf[:len(buf)-cut]
		base += int64(cut)
	}
}

// releasePending adds to out, at a stream's end, the findings held for
// a file keyword (see streamState.streaming) whose rule's words the stream
// mentioned after all, in offset order.
func (e *Engine) releasePending(out []finding.Finding, st *streamState) []finding.Finding {
	if len(st.pending) == 0 {
		return out
	}
	mentioned := map[string]bool{}
	for _, r := range e.rules {
		for _, w := range r.fileKeywords {
			if st.mentioned[string(w)] || containsFold(st.pathBytes, w) {
				mentioned[r.ID] = true
			}
		}
	}
	var released []finding.Finding
	for _, f := range st.pending {
		if mentioned[f.RuleID] {
			released = append(released, f)
		}
	}
	st.pending = nil
	if len(released) == 0 {
		return out
	}
	out = append(out, e.capFindings(released, st)...)
	slices.SortStableFunc(out, func(a, b finding.Finding) int { return cmp.Compare(a.Offset, b.Offset) })
	return out
}

// rememberWords notes the file keywords window holds, for the windows
// after it (see streamState.mentioned). Imported rules that go by their
// words gate on the window, as gitleaks' keywords gate on a fragment.
func (e *Engine) rememberWords(st *streamState, window []byte) {
	for _, r := range e.rules {
		if r.byWords {
			continue
		}
		for _, w := range r.fileKeywords {
			if st.mentioned[string(w)] || !containsFold(window, w) {
				continue
			}
			if st.mentioned == nil {
				st.mentioned = map[string]bool{}
			}
			st.mentioned[string(w)] = true
		}
	}
}

// seamCut is where the next window starts: overlap bytes before the end of
// buf, moved back to the start of the line that holds it when that line
// starts within another overlap, and to a whole character of wide text.
func seamCut(buf []byte, base int64, overlap int, wide *wideEncoding) int {
	cut := len(buf) - overlap
	lo := max(0, cut-overlap)
	if nl := bytes.LastIndexByte(buf[lo:cut], '\n'); nl >= 0 {
		cut = lo + nl + 1
	}
	cut = alignInBase64Run(buf, cut)
	if wide != nil {
		cut -= int((base + int64(cut)) % int64(wide.unit))
	}
	return max(cut, 1)
}

// alignInBase64Run moves a cut that falls inside a run of base64
// characters back to a multiple of four characters from the run's start,
// so the next window, which sees the run from the cut, decodes the same
// bytes as a whole pass does (the encoding's groups are four characters;
// from elsewhere it decodes to garbage, and a secret encoded across the
// seam would be lost to both windows). A run that began before this window
// began at a multiple of four before the window's start, which this cut
// placed, so the window's start serves as its start. Wrapped runs are cut
// at a line start, and widths that wrap are multiples of four.
func alignInBase64Run(buf []byte, cut int) int {
	if cut <= 0 || cut >= len(buf) || !b64Either[buf[cut]] || !b64Either[buf[cut-1]] {
		return cut
	}
	start := cut - 1
	for start > 0 && b64Either[buf[start-1]] {
		start--
	}
	return cut - (cut-start)%4
}

// shift moves a finding from window to stream coordinates: the window
// starts at stream offset base, after lineBase newlines, colBase bytes into
// its line.
func shift(f finding.Finding, base int64, lineBase, colBase int) finding.Finding {
	if f.Line == 1 {
		f.Column += colBase
	}
	if f.EndLine == 1 {
		f.EndColumn += colBase
	}
	f.Line += lineBase
	f.EndLine += lineBase
	f.Offset += int(base)
	f.End += int(base)
	return f
}

// firstBufs holds the buffers every stream starts with.
const firstBufSize = 32 << 10

var firstBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, firstBufSize)
	return &b
}}

// windows holds full-size window buffers for reuse across large streams.
var windows = sync.Pool{New: func() any {
	b := make([]byte, 0, WindowSize)
	return &b
}}

// fill reads into buf until it holds size bytes or r ends, growing buf by
// doubling (through grow, which returns a buffer of at least the capacity
// asked for holding buf's bytes), so a small file costs a small buffer.
func fill(r io.Reader, buf []byte, size int, grow func(buf []byte, want int) []byte) ([]byte, bool, error) {
	for len(buf) < size {
		if len(buf) == cap(buf) {
			buf = grow(buf, min(size, max(2*cap(buf), 32<<10)))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, true, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
	return buf, false, nil
}
