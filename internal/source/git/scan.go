package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhound/leakhound/internal/finding"
	"github.com/leakhound/leakhound/internal/lfs"
	"github.com/leakhound/leakhound/internal/memo"
	"github.com/leakhound/leakhound/internal/source"
)

// Detector finds secrets in one blob's content, streamed.
type Detector interface {
	// DetectStream reads r, the content at path, and returns its findings
	// and how many bytes it read.
	DetectStream(path string, r io.Reader) ([]finding.Finding, int64, error)
	// PathSensitive reports whether findings at path can differ from the
	// same content elsewhere (path-limited rules, path allowlists).
	PathSensitive(path string) bool
	// Skips reports whether nothing at path can be reported (an
	// allowlisted path): such blobs are not read at all.
	Skips(path string) bool
	// DetectPart scans file[start:end], the content at path edited from
	// prev (the two share their first prefix and last suffix bytes), with
	// rules that need a word in the file looking in all of it; findings
	// are in the part's coordinates. ok is false when scanning the part
	// would not find all that the edit changed (the caller then scans the
	// whole).
	DetectPart(path string, prev, file []byte, prefix, suffix, start, end int) (found []finding.Finding, ok bool, err error)
}

// ScanOptions tune how changes are scanned.
type ScanOptions struct {
	Detector    Detector
	MaxBlobSize int64
	Problem     func(source.Problem)
	// Target, when set, is told each path scanned.
	Target func(path string)
	// Warning, when set, is told of content that could not be scanned
	// without that being an error (a Git LFS object not in the clone).
	Warning func(path, msg string)
	// MissingLFSIsProblem makes a Git LFS object not in the clone a
	// problem: in CI, the change being judged adds it.
	MissingLFSIsProblem bool
	// Stats, when set, counts the work done (for progress and summaries).
	Stats *Stats
	// Parts scans only the changed part of a blob edited in place (see
	// part.go) instead of the whole blob: for history, where most changes
	// are small edits of large files.
	Parts bool
}

// Stats counts a git scan's work. All fields are updated atomically.
type Stats struct {
	Commits      atomic.Int64
	Blobs        atomic.Int64 // unique blobs read and scanned whole
	Parts        atomic.Int64 // edited blobs scanned in part (part.go)
	BlobBytes    atomic.Int64
	TotalCommits atomic.Int64 // commits to scan, final once WalkDone
	WalkDone     atomic.Bool
}

// blobScanner scans each unique blob once and remembers what it found.
// Findings are cached by blob id (and by path only where rules depend on it).
type blobScanner struct {
	opts      ScanOptions
	blobs     memo.Map[blobKey, *blobResult]
	sensitive memo.Map[string, bool] // paths whose findings depend on the path
	recent    recentBlobs            // for part scans (part.go)
	lfsOnce   sync.Once
	lfs       *lfs.Store
	// partial is set in a partial clone, where a missing blob is most
	// likely one the clone's filter left out.
	partial bool
}

type blobKey struct {
	blob plumbing.Hash
	path string // empty unless the path changes what is found
}

type blobResult struct {
	findings []finding.Finding
	keys     map[string]bool // rule + NUL + secret
	err      error
	path     string // the path the blob was scanned as
	warning  string // what could not be scanned without it being an error
}

// pathAt returns where f, found in the blob scanned as r.path, is when the
// blob is at path: path itself, or a member of the archive at path.
func (r *blobResult) pathAt(f *finding.Finding, path string) string {
	if member, ok := strings.CutPrefix(f.Path, r.path+"!"); ok {
		return path + "!" + member
	}
	return path
}

func newBlobScanner(opts ScanOptions) *blobScanner {
	if opts.Stats == nil {
		opts.Stats = &Stats{}
	}
	b := &blobScanner{opts: opts}
	// most blobs hold nothing: they share one entry in the memo
	b.blobs.Common = func(r *blobResult) bool { return r.err == nil && len(r.findings) == 0 }
	return b
}

// scan returns the findings of blob h as seen at path, reading it with repo
// unless another worker already did.
func (b *blobScanner) scan(repo *Repo, h plumbing.Hash, path string) *blobResult {
	if b.opts.Detector.Skips(path) {
		return &blobResult{}
	}
	key := blobKey{blob: h}
	if b.sensitive.Do(path, func() bool { return b.opts.Detector.PathSensitive(path) }) {
		key.path = path
	}
	return b.blobs.Do(key, func() *blobResult { return b.read(repo, h, path) })
}

// found records a blob's findings.
func (r *blobResult) found(found []finding.Finding) {
	r.findings = found
	if len(found) > 0 {
		r.keys = make(map[string]bool, len(found))
		for i := range found {
			r.keys[found[i].SecretKey()] = true
		}
	}
}

// smallBlobs holds the buffers blobs that may be LFS pointers are read
// into: the detector copies what it scans, so each is free again after.
var smallBlobs = sync.Pool{New: func() any { return new([lfs.PointerMax]byte) }}

// read streams blob h through the detector, as seen at path; a Git LFS
// pointer is scanned as the content it names (lfs.go).
func (b *blobScanner) read(repo *Repo, h plumbing.Hash, path string) *blobResult {
	res := &blobResult{path: path}
	rd, size, err := repo.openBlob(h, b.opts.MaxBlobSize)
	if err != nil {
		res.err = err
		return res
	}
	defer rd.Close()
	var r io.Reader = rd
	if size < lfs.PointerMax {
		buf := smallBlobs.Get().(*[lfs.PointerMax]byte)
		defer smallBlobs.Put(buf)
		small := buf[:size]
		if _, err := io.ReadFull(rd, small); err != nil {
			res.err = fmt.Errorf("object %s: %w", h, err)
			return res
		}
		if oid, size, ok := lfs.Pointer(small); ok {
			b.opts.Stats.Blobs.Add(1)
			b.readLFS(repo, res, path, oid, size)
			return res
		}
		r = bytes.NewReader(small)
	}
	found, n, err := b.opts.Detector.DetectStream(path, r)
	if err != nil {
		res.err = fmt.Errorf("object %s: reading failed after %d bytes: %w", h, n, err)
		return res
	}
	b.opts.Stats.Blobs.Add(1)
	b.opts.Stats.BlobBytes.Add(n)
	res.found(found)
	return res
}

// introduced returns the findings c adds: those of its new blob whose rule
// and secret appear in none of its old blobs. Old blobs are only read when
// the new one has findings. Read errors are reported as problems; an old
// blob that cannot be read counts as empty, so nothing is hidden.
func (b *blobScanner) introduced(repo *Repo, c Change) []finding.Finding {
	if c.Meta != nil {
		return b.metadata(c)
	}
	if b.opts.Target != nil {
		b.opts.Target(c.Path)
	}
	if b.opts.Detector.Skips(c.Path) {
		return nil
	}
	if b.opts.Parts {
		found, err := b.introducedPart(repo, c)
		switch {
		case err == nil:
			return found
		case !errors.Is(err, errNotPart):
			b.problem(c, err)
			return nil
		}
	}
	res := b.scan(repo, c.New, c.Path)
	if res.err != nil {
		b.problem(c, res.err)
		return nil
	}
	switch {
	case res.warning == "":
	case b.opts.MissingLFSIsProblem:
		b.problem(c, errors.New(res.warning))
		return nil
	case b.opts.Warning != nil:
		b.opts.Warning(c.Path, res.warning)
	}
	if len(res.findings) == 0 {
		return nil
	}
	old := map[string]bool{}
	for _, h := range c.Old {
		r := b.scan(repo, h, c.Path)
		if r.err != nil {
			b.problem(c, fmt.Errorf("previous version: %w", r.err))
			continue
		}
		for k := range r.keys {
			old[k] = true
		}
	}
	var out []finding.Finding
	for _, f := range res.findings {
		if old[f.SecretKey()] {
			continue
		}
		f.Path = res.pathAt(&f, c.Path)
		if f.Archive != "" {
			f.Archive = c.Path
		}
		f.Commit = c.Commit
		out = append(out, f)
	}
	return out
}

// metadata scans the text of a commit or tag (message, identities, paths):
// each finding says which part it is in, with lines counted from there.
func (b *blobScanner) metadata(c Change) []finding.Finding {
	found, _, err := b.opts.Detector.DetectStream("", bytes.NewReader(c.Meta))
	if err != nil {
		b.problem(c, err)
		return nil
	}
	for i := range found {
		f := &found[i]
		sec := c.section(f.Offset)
		lines := bytes.Count(c.Meta[sec.Start:f.Offset], []byte{'\n'})
		f.Line = lines + 1
		f.EndLine = f.Line + bytes.Count(c.Meta[f.Offset:f.End], []byte{'\n'})
		f.Path, f.Location, f.Commit = sec.Path, sec.Location, c.Commit
		if f.Location == "path" || f.Location == "ref" {
			// the name holds the secret: never in a report or a fingerprint
			f.Path = strings.ReplaceAll(f.Path, f.Secret.Reveal(), f.Secret.String())
		}
	}
	return found
}

func (b *blobScanner) problem(c Change, err error) {
	where := c.Path
	if c.Commit != nil {
		where = fmt.Sprintf("%s (commit %s)", c.Path, c.Commit.ID)
	}
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		err = fmt.Errorf("blob %s: %w", c.New, err)
	}
	if b.partial && errors.Is(err, plumbing.ErrObjectNotFound) {
		err = fmt.Errorf("%w (%s)", err, partialCloneHint)
	}
	b.opts.Problem(source.Problem{Path: where, Reason: err.Error()})
}

// ScanChanges scans a fixed list of changes (the staged source) with
// workers, and returns what they introduce.
func (r *Repo) ScanChanges(ctx context.Context, changes []Change, workers int, opts ScanOptions) ([]finding.Finding, error) {
	b := newBlobScanner(opts)
	b.partial = r.IsPartial()
	items := make(chan Change, len(changes))
	for _, c := range changes {
		items <- c
	}
	close(items)
	workers = min(workers, len(changes))
	if workers > 1 && r.smallChanges(changes) {
		// a hook's usual change: a second worker would cost more to
		// start (a repository handle, a goroutine's stack) than it saves
		workers = 1
	}
	return parallel(ctx, r, items, workers, func(repo *Repo, c Change) ([]finding.Finding, error) {
		return b.introduced(repo, c), nil
	})
}

// smallChangesMax is the most that changes may hold, new blobs together,
// to be scanned by one worker.
const smallChangesMax = 256 << 10

// smallChanges reports whether the new blobs of changes hold at most
// smallChangesMax bytes together (false when a size cannot be read).
func (r *Repo) smallChanges(changes []Change) bool {
	var total int64
	for _, c := range changes {
		if c.Meta != nil {
			total += int64(len(c.Meta))
			continue
		}
		n, err := r.objects.EncodedObjectSize(c.New)
		if err != nil {
			return false
		}
		if total += n; total > smallChangesMax {
			return false
		}
	}
	return true
}

// parallel runs work over items on workers, each holding its own repository
// handle (go-git object readers are not safe for concurrent use), and
// gathers the findings. Items are taken until the channel is closed or ctx
// is done; the first error is returned after every worker has finished.
func parallel[T any](ctx context.Context, r *Repo, items <-chan T, workers int, work func(*Repo, T) ([]finding.Finding, error)) ([]finding.Finding, error) {
	return parallelWith(ctx, r, r.Clone, items, workers, work)
}

// parallelWith is parallel with the way extra handles are made (clone), so
// tests can make it fail.
func parallelWith[T any](ctx context.Context, r *Repo, clone func() (*Repo, error), items <-chan T, workers int, work func(*Repo, T) ([]finding.Finding, error)) ([]finding.Finding, error) {
	var (
		mu       sync.Mutex
		out      []finding.Finding
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	// worker takes items until there are none or ctx is done
	worker := func(repo *Repo) {
		for {
			var item T
			var ok bool
			select {
			case item, ok = <-items:
			case <-ctx.Done():
			}
			if !ok {
				return
			}
			found, err := guarded(func() ([]finding.Finding, error) { return work(repo, item) })
			mu.Lock()
			out = append(out, found...)
			mu.Unlock()
			if err != nil {
				fail(err)
			}
		}
	}
	if workers <= 1 {
		worker(r) // on the caller's goroutine, whose stack has grown already
	}
	for i := 0; i < workers && workers > 1; i++ {
		repo := r
		if i > 0 {
			c, err := clone()
			if err != nil {
				fail(err) // workers already started may be failing too
				break
			}
			repo = c
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker(repo)
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return out, firstErr
	}
	return out, ctx.Err()
}

// guarded runs work, turning a panic into an error with its stack: a bug
// in one worker fails the run (exit 2) instead of crashing it.
func guarded(work func() ([]finding.Finding, error)) (found []finding.Finding, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v\n%s", r, debug.Stack())
		}
	}()
	return work()
}
