// Package lfs reads Git LFS pointers and finds the objects they name in a
// repository's LFS store. Git LFS keeps a tracked file's content out of
// git: the blob committed (and the file left in a work tree checked out
// without LFS) is a pointer, a few lines naming the content's SHA-256 and
// size, and the content sits in the store, from which it is pushed.
package lfs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// PointerMax is the size under which git-lfs writes and reads pointers.
const PointerMax = 1024

// Pointer returns the SHA-256 (64 lower-case hex digits) and size a
// pointer names, or false when data is not one: "version" first, then
// keys, "oid sha256:…" and "size N" among them.
func Pointer(data []byte) (oid string, size int64, ok bool) {
	if len(data) >= PointerMax || !bytes.HasPrefix(data, []byte("version https://")) {
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

// Store is a repository's LFS store, found on first use: git's lfs.storage
// when set (relative to the common git directory), else lfs/ there, as
// git-lfs has it.
type Store struct {
	dirs func() (gitDir, commonDir string, err error)
	once sync.Once
	dir  string
	err  error
}

// NewStore returns the store of the repository whose git directories dirs
// returns (its own and the common one), asked for on first use only.
func NewStore(dirs func() (gitDir, commonDir string, err error)) *Store {
	return &Store{dirs: dirs}
}

// Object returns the path the object oid has in the store, and an error
// when the repository could not be found.
func (s *Store) Object(oid string) (string, error) {
	s.once.Do(func() {
		gitDir, commonDir, err := s.dirs()
		if err != nil {
			s.err = err
			return
		}
		s.dir = filepath.Join(commonDir, "lfs")
		cmd := exec.Command("git", "config", "--get", "lfs.storage")
		cmd.Env = append(os.Environ(), "GIT_DIR="+gitDir)
		cmd.Dir = gitDir
		if out, err := cmd.Output(); err == nil {
			if dir := strings.TrimSpace(string(out)); dir != "" {
				if !filepath.IsAbs(dir) {
					dir = filepath.Join(commonDir, dir)
				}
				s.dir = dir
			}
		}
	})
	if s.err != nil {
		return "", s.err
	}
	return filepath.Join(s.dir, "objects", oid[:2], oid[2:4], oid), nil
}

// Missing is the warning for a pointer whose object is not in the store.
func Missing(oid string) string {
	return "Git LFS object " + oid + " is not in this clone (git lfs fetch, or actions/checkout's lfs: true), so the content of this file was not scanned"
}
