package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/lfs"
	"github.com/leakhound/leakhound/internal/source"
	"github.com/leakhound/leakhound/internal/source/git"
)

func runScan(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("scan", "leakhound scan [flags] [PATH...|-]\n\nScans files and directories (skipping .git/, not following symbolic links) or standard input (-).")
	var o commonOpts
	o.register(fs)
	paths, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if slices.Contains(paths, "-") {
		if len(paths) > 1 {
			return usagef("%v", errStdinMixed)
		}
		o.lazy = true // a message or a pipe: compile only the rules it needs
		return scanStdin(ctx, e, &o)
	}
	o.lazy = fewSmallFiles(paths)
	s, err := scanPaths(ctx, e, &o, paths)
	if err != nil {
		return err
	}
	return s.finish(ctx, "")
}

// fewSmallFiles reports whether paths name a few regular files of modest
// size (a commit message, pre-commit's batch of changed files): compiling
// every rule would then cost more than scanning them.
func fewSmallFiles(paths []string) bool {
	if len(paths) == 0 || len(paths) > 64 {
		return false
	}
	var total int64
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.Mode().IsRegular() {
			return false
		}
		total += info.Size()
	}
	return total <= 4<<20
}

// scanPaths scans files and directories into a session, without reporting.
func scanPaths(ctx context.Context, e *env, o *commonOpts, paths []string) (*session, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	root := git.WorkTreeRoot(paths[0])
	if o.policyFrom != "" {
		repo, err := git.Open(root, e.getenv)
		if err != nil {
			return nil, fmt.Errorf("--policy-from: opening the git repository: %w", err)
		}
		o.policy = commitPolicy(repo, o.policyFrom, "--policy-from")
	}
	s, err := newSession(e, o, root)
	if err != nil {
		return nil, err
	}
	s.scope = "files: " + strings.Join(paths, " ")
	if root != "" {
		s.lfs = lfs.NewStore(func() (string, string, error) {
			repo, err := git.Open(root, e.getenv)
			if err != nil {
				return "", "", err
			}
			return repo.GitDir, repo.CommonDir, nil
		})
	}
	base := root
	if base == "" {
		base, _ = os.Getwd()
	}
	files := make(chan source.File, 256)
	var wg sync.WaitGroup
	for i := 0; i < o.threads; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range files {
				if ctx.Err() != nil {
					continue
				}
				s.scanFile(ctx, f)
			}
		}()
	}
	stop := startProgress(e, o, func(elapsed float64) string {
		s.mu.Lock()
		files, bytes := s.files, s.bytes
		s.mu.Unlock()
		return fmt.Sprintf("files %d  %s  %.1f MB/s", files, humanBytes(bytes), float64(bytes)/(1<<20)/elapsed)
	})
	defer stop()
	walkErr := source.Walk(ctx, paths, source.WalkOptions{
		MaxFileSize: int64(o.maxFileSize),
		Display:     func(p string) string { return relativeTo(base, p) },
		Skip:        s.engine.Skips,
	}, files, s.problem)
	close(files)
	wg.Wait()
	if walkErr != nil && ctx.Err() == nil {
		return nil, walkErr
	}
	if ctx.Err() == nil {
		s.scanNames(ctx)
	}
	return s, nil
}

// scanNames scans the names of the files scanned: a name is published
// with its file (as history and staged scan the paths a change adds). A
// finding is at the file, with "location": "path", its column counted in
// the path, and the secret masked in the path it reports.
func (s *session) scanNames(ctx context.Context) {
	s.mu.Lock()
	names := make([]string, 0, len(s.targets))
	for name := range s.targets {
		names = append(names, name)
	}
	s.mu.Unlock()
	sort.Strings(names)
	var text []byte
	starts := make([]int, len(names))
	for i, name := range names {
		starts[i] = len(text)
		text = append(append(text, name...), '\n')
	}
	found, _, err := s.engine.DetectReader(ctx, "", bytes.NewReader(text), nil)
	if err != nil {
		if ctx.Err() == nil {
			s.problem(source.Problem{Path: "(file names)", Reason: err.Error()})
		}
		return
	}
	for i := range found {
		f := &found[i]
		name := names[sort.SearchInts(starts, f.Offset+1)-1]
		f.Line, f.EndLine = 1, 1
		f.Location = "path"
		f.Path = strings.ReplaceAll(name, f.Secret.Reveal(), f.Secret.String())
	}
	s.add(0, 0, found)
}

// scanFile scans one walked file. A panic while scanning it is a bug,
// reported as a problem with its stack: the run fails, it does not crash.
func (s *session) scanFile(ctx context.Context, f source.File) {
	defer func() {
		if r := recover(); r != nil {
			s.problem(source.Problem{Path: f.Path, Reason: fmt.Sprintf("internal error: %v\n%s", r, debug.Stack())})
		}
	}()
	if f.Link {
		// git stores a link as its target's text, which is published
		target, err := os.Readlink(f.OSPath)
		if err != nil {
			s.problem(source.Problem{Path: f.Path, Reason: err.Error()})
			return
		}
		s.target(f.Path)
		s.scanReader(ctx, f.Path, strings.NewReader(target))
		return
	}
	fh, err := source.Open(f)
	if err != nil {
		s.problem(source.Problem{Path: f.Path, Reason: err.Error()})
		return
	}
	defer fh.Close()
	s.target(f.Path)
	r, obj, err := s.lfsContent(f.Path, fh)
	if err != nil {
		s.problem(source.Problem{Path: f.Path, Reason: err.Error()})
		return
	}
	if obj != nil {
		defer obj.Close()
	}
	if r != nil {
		s.scanReader(ctx, f.Path, r)
	}
}

// lfsContent returns what to scan for the file fh at path: the file, or,
// when it is a Git LFS pointer in a work tree, the object it names from
// the repository's LFS store; nil, after a warning, when that object is
// not in the clone. obj, when set, is the object's file, to be closed.
func (s *session) lfsContent(path string, fh *os.File) (r io.Reader, obj *os.File, err error) {
	if s.lfs == nil {
		return fh, nil, nil
	}
	var head [lfs.PointerMax]byte
	n, err := io.ReadFull(fh, head[:])
	switch {
	case err == io.ErrUnexpectedEOF || err == io.EOF:
	case err != nil:
		return nil, nil, err
	default:
		return io.MultiReader(bytes.NewReader(head[:n]), fh), nil, nil
	}
	oid, _, ok := lfs.Pointer(head[:n])
	if !ok {
		return bytes.NewReader(head[:n]), nil, nil
	}
	name, err := s.lfs.Object(oid)
	if err != nil {
		return nil, nil, fmt.Errorf("git lfs object %s: %w", oid, err)
	}
	obj, err = os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		s.warnOnce(path, lfs.Missing(oid))
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("git lfs object %s: %w", oid, err)
	}
	return obj, obj, nil
}

func scanStdin(ctx context.Context, e *env, o *commonOpts) error {
	s, err := newSession(e, o, git.WorkTreeRoot("."))
	if err != nil {
		return err
	}
	s.scope = "standard input"
	s.target(source.StdinPath)
	s.scanReader(ctx, source.StdinPath, e.io.In)
	return s.finish(ctx, "")
}

// relativeTo shows p relative to base (the repository root or the working
// directory) when it lies below it, so fingerprints match across scan modes.
func relativeTo(base, p string) string {
	abs, err := filepath.Abs(p)
	if err == nil && base != "" {
		if rel, err := filepath.Rel(base, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return strings.TrimPrefix(filepath.ToSlash(filepath.Clean(p)), "./")
}
