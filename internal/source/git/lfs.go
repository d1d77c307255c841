package git

// Git LFS keeps a tracked file's content out of git: the blob committed is
// a pointer (a few lines naming the content's SHA-256 and size) and the
// content sits in the LFS store, from which it is pushed alongside. A
// token in such a file reaches the remote as surely as one in a blob, so a
// pointer is scanned as the content it points at when the store holds it
// (it does for what `git add` just cleaned, and for what was fetched); a
// pointer whose content is not here is a warning, never a quiet pass.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/finding"
)

// lfsPointerMax is the size under which git-lfs writes and reads pointers.
const lfsPointerMax = 1024

// lfsPointer returns the SHA-256 (64 lower-case hex digits) and size a
// Git LFS pointer names, or false when data is not one: "version" first,
// then keys in order, "oid sha256:…" and "size N" among them.
func lfsPointer(data []byte) (oid string, size int64, ok bool) {
	if len(data) >= lfsPointerMax || !bytes.HasPrefix(data, []byte("version https://")) {
		return "", 0, false
	}
	haveSize := false
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		key, value, found := strings.Cut(line, " ")
		if !found {
			return "", 0, false
		}
		switch key {
		case "version":
			if value != "https://git-lfs.github.com/spec/v1" && value != "https://hawser.github.com/spec/v1" {
				return "", 0, false
			}
		case "oid":
			hex, isSHA := strings.CutPrefix(value, "sha256:")
			if !isSHA || len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
				return "", 0, false
			}
			oid = hex
		case "size":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || n < 0 {
				return "", 0, false
			}
			size, haveSize = n, true
		}
	}
	return oid, size, oid != "" && haveSize
}

// lfsStore finds the LFS store of a repository once: git's lfs.storage
// when set (relative to the git directory), else lfs/ in the common
// directory, as git-lfs does.
type lfsStore struct {
	once sync.Once
	dir  string
}

func (s *lfsStore) objects(repo *Repo) string {
	s.once.Do(func() {
		s.dir = filepath.Join(repo.CommonDir, "lfs")
		cmd := exec.Command("git", "config", "--get", "lfs.storage")
		cmd.Env = append(os.Environ(), "GIT_DIR="+repo.GitDir)
		cmd.Dir = repo.GitDir
		if out, err := cmd.Output(); err == nil {
			if dir := strings.TrimSpace(string(out)); dir != "" {
				if !filepath.IsAbs(dir) {
					dir = filepath.Join(repo.CommonDir, dir)
				}
				s.dir = dir
			}
		}
	})
	return filepath.Join(s.dir, "objects")
}

// readLFS scans the content an LFS pointer at path names, when the store
// holds it: res gets its findings, or a warning when it is not here.
func (b *blobScanner) readLFS(repo *Repo, res *blobResult, path, oid string, size int64) {
	if b.opts.MaxBlobSize > 0 && size > b.opts.MaxBlobSize {
		res.err = fmt.Errorf("Git LFS object %s: %w", oid, &TooLargeError{Size: size, Max: b.opts.MaxBlobSize})
		return
	}
	name := filepath.Join(b.lfs.objects(repo), oid[:2], oid[2:4], oid)
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		res.warning = fmt.Sprintf("Git LFS object %s is not in this clone (git lfs fetch, or actions/checkout's lfs: true), so the content of this file was not scanned", oid)
		return
	}
	if err != nil {
		res.err = fmt.Errorf("Git LFS object %s: %w", oid, err)
		return
	}
	defer f.Close()
	found, n, err := b.opts.Detector.DetectStream(path, f)
	if err != nil {
		res.err = fmt.Errorf("Git LFS object %s: reading failed after %d bytes: %w", oid, n, err)
		return
	}
	b.opts.Stats.BlobBytes.Add(n)
	res.found(found)
}

// found records a blob's findings.
func (r *blobResult) found(found []finding.Finding) {
	r.findings = found
	if len(found) > 0 {
		r.keys = make(map[string]bool, len(found))
		for i := range found {
			r.keys[findingKey(&found[i])] = true
		}
	}
}
