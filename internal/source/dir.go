package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File is a regular file found by Walk, not yet read.
type File struct {
	// Path is what reports show: the root as given joined with the path
	// below it, slash-separated.
	Path   string
	OSPath string
	// Link is set for a symbolic link: its target, the text git stores
	// for it, is what is scanned; the link is not followed.
	Link bool
}

// Problem is something that could not be scanned. Every problem makes a
// scan incomplete; the caller decides whether that is an error.
type Problem struct {
	Path   string
	Reason string
}

func (p Problem) String() string { return p.Path + ": " + p.Reason }

// WalkOptions tune Walk.
type WalkOptions struct {
	// MaxFileSize skips larger files (reported as a problem). Zero means no limit.
	MaxFileSize int64
	// Display turns an OS path into the path reports show. Nil keeps the
	// cleaned, slash-separated path.
	Display func(osPath string) string
	// Skip, when set, says a file (by its displayed path) is not to be
	// opened at all: nothing in it could be reported.
	Skip func(path string) bool
}

func (o WalkOptions) display(p string) string {
	if o.Display != nil {
		return o.Display(p)
	}
	return display(p)
}

// Walk sends every regular file and symbolic link under roots to files, in
// lexical order per directory. It skips .git directories, does not follow
// symbolic links (their target text is scanned, as git stores it) and
// never opens devices, pipes or sockets. Problems (unreadable directories,
// files over the size limit) go to problem. Walk returns ctx.Err() when
// cancelled.
func Walk(ctx context.Context, roots []string, opts WalkOptions, files chan<- File, problem func(Problem)) error {
	for _, root := range roots {
		info, err := os.Lstat(root)
		if err != nil {
			problem(Problem{Path: root, Reason: describe(err)})
			continue
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			if opts.Skip == nil || !opts.Skip(opts.display(root)) {
				if err := send(ctx, files, File{Path: opts.display(root), OSPath: root, Link: true}); err != nil {
					return err
				}
			}
			continue
		}
		if !info.IsDir() {
			if f, ok := fileOf(root, root, info, opts, problem); ok {
				if err := send(ctx, files, f); err != nil {
					return err
				}
			}
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			if err != nil {
				problem(Problem{Path: opts.display(p), Reason: describe(err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if d.Name() == ".git" && p != root {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if opts.Skip != nil && opts.Skip(opts.display(p)) {
					return nil
				}
				return send(ctx, files, File{Path: opts.display(p), OSPath: p, Link: true})
			}
			if !d.Type().IsRegular() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				problem(Problem{Path: opts.display(p), Reason: describe(err)})
				return nil
			}
			if f, ok := fileOf(p, p, info, opts, problem); ok {
				return send(ctx, files, f)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func fileOf(p, osPath string, info fs.FileInfo, opts WalkOptions, problem func(Problem)) (File, bool) {
	if opts.Skip != nil && opts.Skip(opts.display(p)) {
		return File{}, false
	}
	if !info.Mode().IsRegular() {
		problem(Problem{Path: opts.display(p), Reason: "not a regular file; not scanned"})
		return File{}, false
	}
	if opts.MaxFileSize > 0 && info.Size() > opts.MaxFileSize {
		problem(Problem{Path: opts.display(p), Reason: fmt.Sprintf("%d bytes is over --max-file-size %d; not scanned", info.Size(), opts.MaxFileSize)})
		return File{}, false
	}
	return File{Path: opts.display(p), OSPath: osPath}, true
}

func send(ctx context.Context, files chan<- File, f File) error {
	select {
	case files <- f:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func display(p string) string {
	return strings.TrimPrefix(filepath.ToSlash(filepath.Clean(p)), "./")
}

// describe turns an OS error into a short reason without repeating the path.
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied; not scanned"
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist"
	}
	return err.Error() + "; not scanned"
}

// Open opens a file found by Walk for reading; errors say why in a few
// words (the caller names the path).
func Open(f File) (*os.File, error) {
	fh, err := os.Open(f.OSPath)
	if err != nil {
		return nil, errors.New(describe(err))
	}
	return fh, nil
}

// StdinPath is the path findings in standard input carry.
const StdinPath = "-"
