package detect

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/source"
)

// Windowing: content is scanned in windows of WindowSize bytes that overlap
// by WindowOverlap, so memory stays bounded by the window, cancellation is
// noticed between windows, and a secret shorter than the overlap is never
// cut in two.
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

func (e *Engine) detectWindows(ctx context.Context, path string, r io.Reader, size, overlap int, hook func([]byte, []finding.Finding)) ([]finding.Finding, int64, error) {
	var out []finding.Finding
	var perRule map[string]int // made on the first finding: most streams have none
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
		found := e.Detect(source.Fragment{Path: path, Content: buf})
		if hook != nil {
			hook(buf, found)
		}
		cut := len(buf) - overlap
		if last || cut <= 0 {
			cut = len(buf)
		}
		for _, f := range found {
			if f.Offset >= cut {
				continue // found again, whole, at the start of the next window
			}
			if perRule == nil {
				perRule = map[string]int{}
			}
			if perRule[f.RuleID]++; perRule[f.RuleID] > MaxMatchesPerRule {
				continue
			}
			out = append(out, shift(f, base, lineBase, colBase))
		}
		if last {
			return out, base + int64(len(buf)), nil
		}
		head := buf[:cut]
		if nl := bytes.LastIndexByte(head, '\n'); nl >= 0 {
			lineBase += bytes.Count(head, []byte{'\n'})
			colBase = cut - nl - 1
		} else {
			colBase += cut
		}
		copy(buf, buf[cut:])
		buf = buf[:len(buf)-cut]
		base += int64(cut)
	}
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
