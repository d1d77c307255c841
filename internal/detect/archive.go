package detect

// Archives and compressed files. A token zipped or gzipped into a
// repository is as published as one written in plain text, but its bytes
// are compressed: no rule sees it. A stream that starts like a gzip, bzip2
// or zstd stream, or holds a zip local file header or a tar header, is
// therefore scanned as it is and then opened: each member (a compressed
// stream's content, a zip's or tar's files) is scanned as a stream of its
// own, at "archive!member" (a tar inside a compressed stream is opened in
// the same step: "x.tar.gz!dir/file"), and archives inside members are
// opened in turn, up to MaxArchiveDepth. A secret found both in the raw
// bytes and in a member (a zip's stored file, a tar) is reported once, at
// the member.
//
// What cannot be opened is said, never skipped quietly: 7z and rar files
// are recognised and warned about (their formats are not read here); an
// xz stream whose dictionary is over xzMaxDict is not opened, said; an
// archive over
// MaxArchiveBytes, nesting past MaxArchiveDepth, members expanding past
// MaxExpandedBytes or more than MaxArchiveMembers members are problems
// (the run cannot pass); an encrypted member, a compression method not
// supported here or damaged data are warnings (the raw bytes were scanned).

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/leakhound/leakhound/internal/finding"
)

// Bounds on opening archives.
const (
	// MaxArchiveDepth is how many archives deep members are opened
	// (a zip in a tar.gz is two).
	MaxArchiveDepth = 4
	// MaxArchiveBytes bounds an archive held in memory to be opened.
	MaxArchiveBytes = 256 << 20
	// MaxExpandedBytes bounds what one file's archives expand to, members
	// of nested archives included.
	MaxExpandedBytes = 1 << 30
	// MaxArchiveMembers bounds the members of one file's archives.
	MaxArchiveMembers = 100_000
)

type archiveKind int

const (
	notArchive archiveKind = iota
	gzipStream
	bzip2Stream
	zstdStream
	zipArchive
	tarArchive
	pdfDocument
	zlibStream
	gitPack
	xzStream
	// formats recognised but not opened here: said, not passed quietly
	sevenZipArchive
	rarArchive
)

var kindNames = [...]string{"", "gzip", "bzip2", "zstd", "zip", "tar", "pdf", "zlib", "git pack", "xz", "7z", "rar"}

// opened reports whether members of kind are read here.
func (k archiveKind) opened() bool { return k < sevenZipArchive }

func (k archiveKind) String() string { return kindNames[k] }

// streamSuffixes maps a compressed file's suffix to its content's: a
// stream without a recorded name is named after its file.
var streamSuffixes = map[archiveKind][][2]string{
	gzipStream:  {{".tgz", ".tar"}, {".gz", ""}, {".gzip", ""}, {".z", ""}},
	bzip2Stream: {{".tbz2", ".tar"}, {".tbz", ".tar"}, {".bz2", ""}, {".bzip2", ""}},
	zstdStream:  {{".tzst", ".tar"}, {".zst", ""}, {".zstd", ""}},
	zlibStream:  {{".zz", ""}, {".zlib", ""}},
	xzStream:    {{".txz", ".tar"}, {".xz", ""}},
}

// contentName names the content of a compressed stream at p.
func contentName(kind archiveKind, p string) string {
	name := path.Base(p[strings.LastIndexByte(p, '!')+1:])
	lower := strings.ToLower(name)
	for _, s := range streamSuffixes[kind] {
		if strings.HasSuffix(lower, s[0]) && len(name) > len(s[0]) {
			return name[:len(name)-len(s[0])] + s[1]
		}
	}
	return name
}

// zstdMaxMemory bounds what a zstd frame may make the decoder allocate
// (its window or declared size): a frame asking more is an error, said as
// a warning, not an allocation.
const zstdMaxMemory = 256 << 20

// Bounds as applied; tests lower them.
var (
	maxArchiveBytes   = MaxArchiveBytes
	maxExpandedBytes  = int64(MaxExpandedBytes)
	maxArchiveMembers = MaxArchiveMembers
)

var zipLocalHeader = []byte("PK\x03\x04")

// sniffArchive says what archive the start of a stream is. A zip may
// follow other bytes (a self-extracting program, a polyglot file): its
// local file header anywhere in head counts.
func sniffArchive(head []byte) archiveKind {
	switch {
	case len(head) >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8:
		return gzipStream
	case len(head) >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd:
		return zstdStream
	case len(head) >= 10 && string(head[:3]) == "BZh" && head[3] >= '1' && head[3] <= '9' && string(head[4:10]) == "\x31\x41\x59\x26\x53\x59":
		return bzip2Stream
	case len(head) >= 6 && string(head[:6]) == "\xfd7zXZ\x00":
		return xzStream
	case len(head) >= 6 && string(head[:6]) == "7z\xbc\xaf\x27\x1c":
		return sevenZipArchive
	case len(head) >= 6 && string(head[:6]) == "Rar!\x1a\x07":
		return rarArchive
	case isTarHeader(head):
		return tarArchive
	case isPDF(head):
		return pdfDocument
	case packStart(head) >= 0:
		return gitPack
	case holdsZipMember(head):
		return zipArchive
	case isZlib(head):
		return zlibStream
	}
	return notArchive
}

// isZlib reports whether head starts a zlib stream (a git loose object, a
// .zz file): a deflate header without a preset dictionary, then bytes no
// text holds.
func isZlib(head []byte) bool {
	if len(head) < 3 || head[0] != 0x78 || (uint16(head[0])<<8|uint16(head[1]))%31 != 0 || head[1]&0x20 != 0 {
		return false
	}
	for _, c := range head[2:min(len(head), 512)] {
		if c < 0x09 || 0x0d < c && c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// packStart is where the packfile in head starts: at 0 for a pack ("PACK",
// version 2 or 3), after the header of a git bundle; -1 for neither.
func packStart(head []byte) int {
	isPack := func(b []byte) bool {
		return len(b) >= 12 && string(b[:4]) == "PACK" && (b[7] == 2 || b[7] == 3) && b[4] == 0 && b[5] == 0 && b[6] == 0
	}
	if isPack(head) {
		return 0
	}
	if bytes.HasPrefix(head, []byte("# v2 git bundle\n")) || bytes.HasPrefix(head, []byte("# v3 git bundle\n")) {
		if i := bytes.Index(head, []byte("\n\n")); i >= 0 && isPack(head[i+2:]) {
			return i + 2
		}
	}
	return -1
}

var pdfHeader = []byte("%PDF-")

// isPDF reports whether head starts a PDF document: its header within
// the first KiB, as readers accept it, and not inside a zip member.
func isPDF(head []byte) bool {
	i := bytes.Index(head[:min(len(head), 1024)], pdfHeader)
	return i >= 0 && !bytes.Contains(head[:i], zipLocalHeader)
}

// holdsZipMember reports whether b holds a zip local file header. A
// member's header holds its method, stored or deflate, as two bytes, the
// second of them 0: text without a NUL byte holds no member (and is
// searched for one at memchr speed).
func holdsZipMember(b []byte) bool {
	return bytes.IndexByte(b, 0) >= 0 && bytes.Contains(b, zipLocalHeader)
}

// isTarHeader reports whether head starts with a ustar or GNU tar header.
func isTarHeader(head []byte) bool {
	return len(head) >= 512 && (string(head[257:263]) == "ustar\x00" || string(head[257:265]) == "ustar  \x00")
}

// expansion is what one top-level stream's archives may still expand to.
type expansion struct {
	bytes   int64
	members int
	stopped bool // a bound was reached and said
}

// archiveCapture holds the bytes of a stream to be opened as an archive
// once its raw scan is done, up to MaxArchiveBytes.
type archiveCapture struct {
	kind archiveKind
	data []byte
	over bool
}

func (c *archiveCapture) Write(p []byte) (int, error) {
	if !c.over && len(c.data)+len(p) <= maxArchiveBytes {
		c.data = append(c.data, p...)
	} else {
		c.over, c.data = true, nil
	}
	return len(p), nil
}

// captureArchive starts holding a stream whose first window is head when
// it is an archive to open: the reader to go on with tees into the
// capture. nil when there is nothing to open.
func (e *Engine) captureArchive(st *streamState, head []byte, r io.Reader) (*archiveCapture, io.Reader) {
	return e.capture(st, sniffArchive(head), head, r)
}

// captureZipFrom starts holding a stream from a later window that holds a
// zip local file header: the bytes before it are gone, so the members are
// read from their local headers (zip.NewReader finds the central
// directory's offsets off, and the local headers serve).
func (e *Engine) captureZipFrom(st *streamState, window []byte, r io.Reader) (*archiveCapture, io.Reader) {
	return e.capture(st, zipArchive, window, r)
}

// capture holds the stream from window on, to open it as an archive of
// kind after its raw scan, or says why it will not be opened.
func (e *Engine) capture(st *streamState, kind archiveKind, window []byte, r io.Reader) (*archiveCapture, io.Reader) {
	if kind == notArchive || e.global.pathAllowed(st.path) {
		return nil, r
	}
	if !kind.opened() {
		e.archiveWarning(st, fmt.Sprintf("%s archive: not opened here, so what it holds compressed was not scanned (only its bytes as they are)", kind))
		return nil, r
	}
	if st.archiveDepth >= MaxArchiveDepth {
		e.archiveProblem(st, fmt.Sprintf("%s archive nested more than %d archives deep: its members were not opened", kind, MaxArchiveDepth))
		return nil, r
	}
	c := &archiveCapture{kind: kind}
	c.Write(window)
	return c, io.TeeReader(r, c)
}

// expandArchive scans the members of the archive captured from st's
// stream and returns raw (the stream's own findings) with them, a secret
// found in both reported at the member.
func (e *Engine) expandArchive(ctx context.Context, st *streamState, c *archiveCapture, raw []finding.Finding, hook func([]byte, []finding.Finding)) []finding.Finding {
	if c.over && c.kind == zlibStream {
		// told by two bytes only: a large file may start so by chance
		e.archiveWarning(st, fmt.Sprintf("starts like a zlib stream and is larger than %d MiB: not inflated (its bytes were scanned as they are)", maxArchiveBytes>>20))
		return raw
	}
	if c.over {
		e.archiveProblem(st, fmt.Sprintf("%s archive larger than %d MiB: its members were not opened (allowlist the path to skip it)", c.kind, maxArchiveBytes>>20))
		return raw
	}
	if st.expansion == nil {
		st.expansion = &expansion{bytes: maxExpandedBytes, members: maxArchiveMembers}
	}
	o := opener{e: e, ctx: ctx, st: st, hook: hook}
	switch c.kind {
	case zipArchive:
		o.zip(c.data)
	case tarArchive:
		o.tar(bytes.NewReader(c.data))
	case pdfDocument:
		o.pdf(c.data)
	case gitPack:
		o.pack(c.data)
	default:
		o.stream(c.kind, bytes.NewReader(c.data))
	}
	o.scanMeta()
	if len(o.found) == 0 {
		return raw
	}
	for i := range o.found {
		if o.found[i].Path != st.path {
			o.found[i].Archive = st.path // set again by each enclosing archive
		}
	}
	inMember := make(map[string]bool, len(o.found))
	for i := range o.found {
		inMember[o.found[i].SecretKey()] = true
	}
	out := raw[:0:0]
	for _, f := range raw {
		if !inMember[f.SecretKey()] {
			out = append(out, f)
		}
	}
	return append(out, o.found...)
}

// archiveProblem says that part of st's archive was not scanned.
func (e *Engine) archiveProblem(st *streamState, reason string) { e.problem(st.path, reason) }

// archiveWarning says that a member could not be read; what the stream
// held as it is was scanned.
func (e *Engine) archiveWarning(st *streamState, reason string) { e.warn(st.path, reason) }

// opener scans the members of one archive.
type opener struct {
	e     *Engine
	ctx   context.Context
	st    *streamState
	hook  func([]byte, []finding.Finding)
	found []finding.Finding
	// guessed is set while members are read from local file headers
	// found by searching: one that yields nothing was not a member
	guessed bool
	// meta is the archive's own text, a line each: member and link
	// names, comments, PAX records, which are published with it
	meta bytes.Buffer
	// metaCut is set once text is left out of meta
	metaCut bool
}

// note adds text the archive holds beside its members to o.meta.
func (o *opener) note(text string) {
	switch {
	case text == "":
	case o.meta.Len()+len(text) < maxArchiveMeta:
		o.meta.WriteString(text)
		o.meta.WriteByte('\n')
	case !o.metaCut:
		o.metaCut = true
		o.e.archiveProblem(o.st, fmt.Sprintf("the archive's member names and comments past the first %d bytes were not scanned", maxArchiveMeta))
	}
}

// maxArchiveMeta bounds the archive text scanned beside the members (the
// names of MaxArchiveMembers members fit; a zip's comments of 64 KiB
// each may not, which is said).
var maxArchiveMeta = 64 << 20

// member scans r as the member name of the archive; false once a bound
// stops the expansion.
func (o *opener) member(name string, r io.Reader) bool {
	x := o.st.expansion
	if x.stopped {
		return false
	}
	if x.members--; x.members < 0 {
		x.stopped = true
		o.e.archiveProblem(o.st, fmt.Sprintf("archive has more than %d members: the rest were not scanned", maxArchiveMembers))
		return false
	}
	child := newStreamState(o.st.path + "!" + name)
	child.archiveDepth = o.st.archiveDepth + 1
	child.expansion = x
	counted := &expandReader{r: r, x: x}
	found, n, err := o.e.detectStream(o.ctx, child, counted, WindowSize, WindowOverlap, o.hook)
	o.found = append(o.found, found...)
	if err == nil {
		err = counted.err
	}
	switch {
	case o.guessed && n == 0:
	case errors.Is(err, errExpansion):
		x.stopped = true
		o.e.archiveProblem(o.st, fmt.Sprintf("archive expands to more than %d MiB: members past that were not scanned (allowlist the path to skip it)", maxExpandedBytes>>20))
		return false
	case err != nil && o.ctx.Err() == nil:
		o.e.archiveWarning(o.st, fmt.Sprintf("member %q could not be read whole: %v; the part read and the archive as it is were scanned", name, err))
	}
	return o.ctx.Err() == nil
}

var errExpansion = errors.New("archive expansion bound reached")

// expandReader counts a member's bytes against the expansion bound. It
// ends the member at an error, which it keeps in err, so that what was
// read before is scanned.
type expandReader struct {
	r   io.Reader
	x   *expansion
	err error
}

func (r *expandReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, io.EOF
	}
	if r.x.bytes <= 0 {
		r.err = errExpansion
		return 0, io.EOF
	}
	if int64(len(p)) > r.x.bytes {
		p = p[:r.x.bytes]
	}
	n, err := r.r.Read(p)
	r.x.bytes -= int64(n)
	if err != nil && err != io.EOF {
		r.err, err = err, io.EOF
	}
	return n, err
}

// stream opens a compressed stream: its content is one member, named
// after the stream's header or its file name, unless it is a tar, whose
// files are the members.
func (o *opener) stream(kind archiveKind, r io.Reader) {
	var content io.Reader
	name := contentName(kind, o.st.path)
	switch kind {
	case gzipStream:
		zr, err := gzip.NewReader(r)
		if err != nil {
			o.e.archiveWarning(o.st, fmt.Sprintf("not a readable gzip stream (%v); scanned as it is", err))
			return
		}
		if zr.Name != "" {
			name = zr.Name
		}
		o.note(zr.Name)
		o.note(zr.Comment)
		content = zr
	case bzip2Stream:
		content = bzip2.NewReader(r)
	case zlibStream:
		// told by its first bytes only: one that does not inflate was
		// not a zlib stream, and its bytes were scanned as they are
		o.guessed = true
		defer func() { o.guessed = false }()
		zr, err := zlib.NewReader(r)
		if err != nil {
			return
		}
		defer zr.Close()
		content = zr
	case zstdStream:
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(zstdMaxMemory))
		if err != nil {
			o.e.archiveWarning(o.st, fmt.Sprintf("not a readable zstd stream (%v); scanned as it is", err))
			return
		}
		defer zr.Close()
		content = zr
	case xzStream:
		zr, err := newXZReader(r)
		if err != nil {
			o.e.archiveWarning(o.st, fmt.Sprintf("not a readable xz stream (%v); scanned as it is", err))
			return
		}
		content = zr
	}
	if name == "" || name == "." || name == "/" {
		name = "-"
	}
	br := bufio.NewReaderSize(content, 64<<10)
	if head, _ := br.Peek(512); isTarHeader(head) {
		o.tar(br)
		return
	}
	o.member(name, br)
}

// tar scans a tar's regular files.
func (o *opener) tar(r io.Reader) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			o.e.archiveWarning(o.st, fmt.Sprintf("tar archive could not be read past its members so far (%v); the archive as it is was scanned", err))
			return
		}
		o.note(h.Linkname)
		o.note(h.Uname)
		o.note(h.Gname)
		for k, v := range h.PAXRecords {
			o.note(k + "=" + v)
		}
		o.note(h.Name)
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeGNUSparse {
			continue
		}
		if !o.member(h.Name, tr) {
			return
		}
	}
}

// pdf scans the streams of a PDF document that are compressed with
// FlateDecode (its pages' text, embedded files, metadata, object
// streams), each as a member named after its object ("obj 4"). Streams
// in other filters are images or not compressed; their bytes were
// scanned as they are.
func (o *opener) pdf(data []byte) {
	keyword := []byte("stream")
	for at := 0; o.ctx.Err() == nil; {
		i := bytes.Index(data[at:], keyword)
		if i < 0 {
			return
		}
		i += at
		at = i + len(keyword)
		start := at
		switch {
		case bytes.HasPrefix(data[start:], []byte("\r\n")):
			start += 2
		case bytes.HasPrefix(data[start:], []byte("\n")):
			start++
		default:
			continue // not the keyword that starts a stream's data
		}
		if i >= 3 && string(data[i-3:i]) == "end" {
			continue
		}
		// the next stream is looked for after this one's data, which
		// may hold anything
		if end := bytes.Index(data[start:], []byte("endstream")); end >= 0 {
			at = start + end + len("endstream")
		} else {
			at = len(data)
		}
		// the stream's dictionary: from its object's "obj" keyword
		from := max(0, i-pdfMaxDict)
		objAt := bytes.LastIndex(data[from:i], []byte("obj"))
		if objAt < 0 {
			continue
		}
		objAt += from
		dict := data[objAt:i]
		if !firstFilterFlate(dict) {
			if bytes.Contains(dict, []byte("/FlateDecode")) || bytes.Contains(dict, []byte("/LZWDecode")) {
				// compressed text behind another filter (ASCII85, then
				// Flate) or in LZW: not read here, and not passed quietly
				o.e.archiveWarning(o.st, fmt.Sprintf("pdf %s: a compressed stream in filters not read here (only FlateDecode first is): not opened, its bytes were scanned as they are", pdfObjectName(data[:objAt])))
			}
			continue
		}
		zr, err := zlib.NewReader(bytes.NewReader(data[start:]))
		if err != nil {
			o.e.archiveWarning(o.st, fmt.Sprintf("pdf %s: a FlateDecode stream that does not inflate (%v); its bytes were scanned as they are", pdfObjectName(data[:objAt]), err))
			continue
		}
		more := o.member(pdfObjectName(data[:objAt]), zr)
		zr.Close()
		if !more {
			return
		}
	}
}

// pdfMaxDict bounds how far before a stream its dictionary is looked for.
const pdfMaxDict = 64 << 10

// firstFilterFlate reports whether a stream dictionary's first filter is
// FlateDecode: "/Filter /FlateDecode" or "/Filter [/FlateDecode ...]".
func firstFilterFlate(dict []byte) bool {
	i := bytes.Index(dict, []byte("/Filter"))
	if i < 0 {
		return false
	}
	rest := bytes.TrimLeft(dict[i+len("/Filter"):], " \t\r\n[")
	return bytes.HasPrefix(rest, []byte("/FlateDecode"))
}

// pdfObjectName names the object whose "obj" keyword ends before: "obj N"
// from "N G obj", or "stream" when it cannot be read.
func pdfObjectName(before []byte) string {
	fields := bytes.Fields(before[max(0, len(before)-64):])
	if n := len(fields); n >= 2 && isDigits(fields[n-1]) && isDigits(fields[n-2]) {
		return "obj " + string(fields[n-2])
	}
	return "stream"
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// zip scans a zip's files, found through its central directory, or, when
// it has none that reads, through each local file header in data.
func (o *opener) zip(data []byte) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		o.zipLocal(data)
		return
	}
	o.note(zr.Comment)
	for _, f := range zr.File {
		o.note(f.Name)
		o.note(f.Comment)
		if f.Mode().IsDir() {
			continue
		}
		if why := unreadable(f); why != "" {
			o.e.archiveWarning(o.st, why)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			o.e.archiveWarning(o.st, fmt.Sprintf("member %q: %v; not scanned", f.Name, err))
			continue
		}
		more := o.member(f.Name, rc)
		rc.Close()
		if !more {
			return
		}
	}
}

// zipLocal reads the members a zip's local file headers start: deflated
// data ends itself; stored data is read for the size its header gives
// (without one it was scanned as part of the archive's bytes).
func (o *opener) zipLocal(data []byte) {
	o.guessed = true
	defer func() { o.guessed = false }()
	for at := 0; ; {
		i := bytes.Index(data[at:], zipLocalHeader)
		if i < 0 {
			return
		}
		h := data[at+i:]
		at += i + len(zipLocalHeader)
		if len(h) < 30 {
			return
		}
		flags := binary.LittleEndian.Uint16(h[6:])
		method := binary.LittleEndian.Uint16(h[8:])
		size := int(binary.LittleEndian.Uint32(h[18:]))
		nameLen, extraLen := int(binary.LittleEndian.Uint16(h[26:])), int(binary.LittleEndian.Uint16(h[28:]))
		start := 30 + nameLen + extraLen
		if start > len(h) {
			return
		}
		name := string(h[30 : 30+nameLen])
		o.note(name)
		body := h[start:]
		switch {
		case strings.HasSuffix(name, "/"):
			continue
		case flags&1 != 0:
			o.e.archiveWarning(o.st, fmt.Sprintf("member %q is encrypted: not scanned", name))
			continue
		case method == zip.Deflate:
			fr := flate.NewReader(bytes.NewReader(body))
			more := o.member(name, fr)
			fr.Close()
			if !more {
				return
			}
		case method == zip.Store && flags&8 == 0 && size <= len(body):
			if !o.member(name, bytes.NewReader(body[:size])) {
				return
			}
		case method != zip.Store:
			o.e.archiveWarning(o.st, fmt.Sprintf("member %q uses compression method %d, which is not read here: not scanned", name, method))
		}
	}
}

// compressedBase64 reports whether a base64 run starts with the encoding of
// a gzip, zstd or xz stream's or a zip's magic ("H4sI", "KLUv/", "/Td6WFo",
// "UEsDB") or a
// zlib header ("eJ", "eN", "eF", "eA"): Helm keeps releases, and many
// tools keep payloads (Python's zlib.compress, then base64), compressed in
// base64, which decodes to binary that no text test passes.
func compressedBase64(run []byte) bool {
	return bytes.HasPrefix(run, []byte("H4sI")) || bytes.HasPrefix(run, []byte("KLUv/")) || bytes.HasPrefix(run, []byte("/Td6WFo")) || bytes.HasPrefix(run, []byte("UEsDB")) ||
		bytes.HasPrefix(run, []byte("eJ")) || bytes.HasPrefix(run, []byte("eN")) || bytes.HasPrefix(run, []byte("eF")) || bytes.HasPrefix(run, []byte("eA"))
}

// decompressedSegment returns the text a gzip, zstd or xz stream (or a zip's
// members, one after another) decoded from start:end holds, at most limit bytes of it (the decode budget: a bomb
// uses it up, and that is warned about).
func decompressedSegment(data []byte, start, end int, how string, b *budget) (segment, bool) {
	limit := b.left()
	var r io.Reader
	switch sniffArchive(data) {
	case gzipStream:
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return segment{}, false
		}
		r, how = zr, how+", then gzip"
	case zstdStream:
		zr, err := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(zstdMaxMemory))
		if err != nil {
			return segment{}, false
		}
		defer zr.Close()
		r, how = zr, how+", then zstd"
	case xzStream:
		zr, err := newXZReader(bytes.NewReader(data))
		if err != nil {
			return segment{}, false
		}
		r, how = zr, how+", then xz"
	case zlibStream:
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return segment{}, false
		}
		defer zr.Close()
		r, how = zr, how+", then zlib"
	case zipArchive:
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return segment{}, false
		}
		m := &zipMembers{files: zr.File}
		defer func() {
			m.close()
			// said when the stream ends (finishStream)
			for _, why := range m.skipped {
				b.skip("a zip in encoded text: " + why)
			}
		}()
		r, how = m, how+", then zip"
	default:
		return segment{}, false
	}
	// what decompresses before damage is kept: it is what a reader gets
	text, _ := io.ReadAll(io.LimitReader(r, int64(max(limit, 0))+1))
	if len(text) > limit {
		text = text[:limit]
	}
	return textSegment(text, start, end, how)
}

// scanMeta scans the archive's own text (o.meta): its findings are at the
// archive's path, in the "archive" location, lines counted in that text.
func (o *opener) scanMeta() {
	if o.meta.Len() == 0 || o.ctx.Err() != nil {
		return
	}
	st := newStreamState(o.st.path)
	st.archiveDepth = MaxArchiveDepth // names are not archives
	found, _, err := o.e.detectStream(o.ctx, st, bytes.NewReader(o.meta.Bytes()), WindowSize, WindowOverlap, o.hook)
	if err != nil {
		return // only cancellation: the text is in memory
	}
	for i := range found {
		found[i].Location = "archive"
	}
	o.found = append(o.found, found...)
}

// zipMembers reads a zip's readable members one after another, each
// opened when the one before is done, a newline between them.
type zipMembers struct {
	files   []*zip.File
	cur     io.ReadCloser
	skipped []string // why members were not read
}

// unreadable says why a zip member is not read here, or "".
func unreadable(f *zip.File) string {
	switch {
	case f.Flags&1 != 0:
		return fmt.Sprintf("member %q is encrypted: not scanned", f.Name)
	case f.Method != zip.Store && f.Method != zip.Deflate:
		return fmt.Sprintf("member %q uses compression method %d, which is not read here: not scanned", f.Name, f.Method)
	}
	return ""
}

func (m *zipMembers) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if m.cur != nil {
			n, err := m.cur.Read(p)
			if err == nil || n > 0 {
				return n, nil
			}
			m.close()
			p[0] = '\n'
			return 1, nil
		}
		if len(m.files) == 0 {
			return 0, io.EOF
		}
		f := m.files[0]
		m.files = m.files[1:]
		if why := unreadable(f); why != "" {
			m.skipped = append(m.skipped, why)
			continue
		}
		if rc, err := f.Open(); err == nil {
			m.cur = rc
		}
	}
}

func (m *zipMembers) close() {
	if m.cur != nil {
		m.cur.Close()
		m.cur = nil
	}
}
