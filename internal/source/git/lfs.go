package git

// A file Git LFS tracks reaches the remote from the LFS store, not as the
// pointer blob committed: a pointer is scanned as the content it names when
// the store holds it (it does for what `git add` just cleaned, and for what
// was fetched); a pointer whose content is not here is a warning (a
// problem in CI), never a quiet pass.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/leakhound/leakhound/internal/lfs"
)

// readLFS scans the content an LFS pointer at path names, when the store
// holds it: res gets its findings, or a warning when it is not here.
func (b *blobScanner) readLFS(repo *Repo, res *blobResult, path, oid string, size int64) {
	if b.opts.MaxBlobSize > 0 && size > b.opts.MaxBlobSize {
		res.err = fmt.Errorf("git lfs object %s: %w", oid, &TooLargeError{Size: size, Max: b.opts.MaxBlobSize})
		return
	}
	b.lfsOnce.Do(func() {
		b.lfs = lfs.NewStore(func() (string, string, error) { return repo.GitDir, repo.CommonDir, nil })
	})
	name, err := b.lfs.Object(oid)
	if err != nil {
		res.err = fmt.Errorf("git lfs object %s: %w", oid, err)
		return
	}
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		res.warning = lfs.Missing(oid)
		return
	}
	if err != nil {
		res.err = fmt.Errorf("git lfs object %s: %w", oid, err)
		return
	}
	defer f.Close()
	found, n, err := b.opts.Detector.DetectStream(path, f)
	if err != nil {
		res.err = fmt.Errorf("git lfs object %s: reading failed after %d bytes: %w", oid, n, err)
		return
	}
	b.opts.Stats.BlobBytes.Add(n)
	res.found(found)
}
