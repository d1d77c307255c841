// Package git owns the git sources: the staged changes of the index against
// HEAD (for the pre-commit hook) and the commits of a history or revision
// range. It is the only package that imports go-git. For speed it reads
// some files itself: the index (index.go), pack indexes (packindex.go),
// packed objects (pack.go), tree entries (tree.go) and alternate object
// directories (alternates.go); go-git opens the repository, resolves refs
// and revisions, decodes commits and reads the repository's loose objects
// and packs that cannot be mapped.
package git

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// Repo is an opened repository.
type Repo struct {
	// GitDir is the repository's git directory (a worktree's own, for
	// linked worktrees); CommonDir holds the objects and refs.
	GitDir    string
	CommonDir string
	// WorkTree is the top of the work tree, empty for bare repositories.
	WorkTree string

	repo    *repoObjects
	objects *objectStorage
	// config is the repository's config file as git's format decodes,
	// read once (shared by every handle)
	config  *gitconfig.Config
	packs   *packSet               // shared by every handle on the repository
	shallow map[plumbing.Hash]bool // commits at a shallow boundary
	// reached holds the commits one commit reaches, as the last walk that
	// needed them found them (a range's base), for ForkPoint; the walks
	// that set it run one at a time
	reached map[plumbing.Hash]map[plumbing.Hash]bool
}

const (
	objectCacheSize = 16 * cache.MiByte
	largeObject     = 8 << 20
)

// ErrNotRepository means no git repository was found.
var ErrNotRepository = errors.New("not a git repository (or any parent up to /)")

// Open finds the repository containing dir, honouring GIT_DIR and
// GIT_WORK_TREE as git does, and opens it.
func Open(dir string, getenv func(string) string) (*Repo, error) {
	r := &Repo{}
	if gd := getenv("GIT_DIR"); gd != "" {
		abs, err := filepath.Abs(gd)
		if err != nil {
			return nil, err
		}
		r.GitDir = abs
		if wt := getenv("GIT_WORK_TREE"); wt != "" {
			r.WorkTree, _ = filepath.Abs(wt)
		} else {
			r.WorkTree, _ = filepath.Abs(dir)
		}
	} else if err := r.discover(dir); err != nil {
		return nil, err
	}
	if err := r.open(getenv); err != nil {
		return nil, err
	}
	return r, nil
}

// WorkTreeRoot returns the work tree of the repository that holds path (a
// file or a directory), found as Open finds it, or "" outside a repository
// with a work tree. It reads no repository data.
func WorkTreeRoot(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	if info, err := os.Stat(abs); err == nil && !info.IsDir() {
		abs = filepath.Dir(abs)
	}
	var r Repo
	if r.discover(abs) != nil {
		return ""
	}
	return r.WorkTree
}

func (r *Repo) discover(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for {
		dotgitPath := filepath.Join(abs, ".git")
		info, err := os.Stat(dotgitPath)
		if err == nil && info.IsDir() {
			r.GitDir, r.WorkTree = dotgitPath, abs
			return nil
		}
		if err == nil {
			gd, err := readGitFile(dotgitPath)
			if err != nil {
				return err
			}
			r.GitDir, r.WorkTree = gd, abs
			return nil
		}
		if _, herr := os.Stat(filepath.Join(abs, "HEAD")); herr == nil && isDir(filepath.Join(abs, "objects")) && isDir(filepath.Join(abs, "refs")) {
			r.GitDir = abs // bare repository
			return nil
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return ErrNotRepository
		}
		abs = parent
	}
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}

// readGitFile resolves a ".git" file ("gitdir: PATH"), as linked worktrees
// and submodules use.
func readGitFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	line := strings.TrimSpace(string(data))
	gd, ok := strings.CutPrefix(line, "gitdir:")
	if !ok {
		return "", fmt.Errorf("%s: not a gitdir file", path)
	}
	gd = strings.TrimSpace(gd)
	if !filepath.IsAbs(gd) {
		gd = filepath.Join(filepath.Dir(path), gd)
	}
	if !isDir(gd) {
		return "", fmt.Errorf("%s points to %s, which is not a directory", path, gd)
	}
	return gd, nil
}

// open opens the repository's object storage; getenv is read for
// GIT_ALTERNATE_OBJECT_DIRECTORIES when the packs are first opened.
func (r *Repo) open(getenv func(string) string) error {
	if !isDir(r.GitDir) {
		return fmt.Errorf("git directory %s does not exist", r.GitDir)
	}
	r.CommonDir = r.GitDir
	if data, err := os.ReadFile(filepath.Join(r.GitDir, "commondir")); err == nil {
		cd := strings.TrimSpace(string(data))
		if !filepath.IsAbs(cd) {
			cd = filepath.Join(r.GitDir, cd)
		}
		r.CommonDir = filepath.Clean(cd)
	}
	if r.config == nil {
		cfg, err := readConfig(filepath.Join(r.CommonDir, "config"))
		if err != nil {
			return fmt.Errorf("opening %s: %w", r.GitDir, err)
		}
		r.config = cfg
	}
	if format := strings.ToLower(r.config.Section("extensions").Option("objectformat")); format != "" && format != "sha1" {
		return fmt.Errorf("%s: repositories with the %s object format are not supported (go-git reads SHA-1 repositories only)", r.CommonDir, format)
	}
	fs := dotgit.NewRepositoryFilesystem(osfs.New(r.GitDir), osfs.New(r.CommonDir))
	// A modest object cache per handle: each history worker has its own, and
	// memory must stay bounded by the scanning window times workers.
	objects := cache.NewObjectLRU(objectCacheSize)
	st := filesystem.NewStorageWithOptions(fs, objects, filesystem.Options{
		KeepDescriptors: true,
		// objects larger than this stream from the pack instead of being
		// held in memory whole
		LargeObjectThreshold: largeObject,
	})
	if r.packs == nil {
		dirs, err := objectDirs(filepath.Join(r.CommonDir, "objects"), getenv)
		if err != nil {
			return fmt.Errorf("opening %s: %w", r.CommonDir, err)
		}
		packs, err := openPackSet(dirs)
		if err != nil {
			return fmt.Errorf("opening %s: %w", r.CommonDir, err)
		}
		r.packs = packs
	}
	r.objects = newObjectStorage(st, objects, r.packs)
	if err := checkFormat(r.objects, r.config); err != nil {
		return fmt.Errorf("opening %s: %w", r.GitDir, err)
	}
	r.repo = &repoObjects{Storer: r.objects, repo: r}
	return nil
}

// errNoHead means a git directory without HEAD: not a repository.
var errNoHead = errors.New("repository does not exist (no HEAD)")

// checkFormat refuses what go-git's Open refuses: a git directory without
// HEAD, a repository format version other than 0 and 1 (which git refuses
// too), and an extension
// this reader does not know (reftable refs, a new object format), which
// would make what it reads wrong. The extensions that are safe for reading
// are hidden by objectStorage.Config.
func checkFormat(st *objectStorage, cfg *gitconfig.Config) error {
	if _, err := st.Reference(plumbing.HEAD); errors.Is(err, plumbing.ErrReferenceNotFound) {
		return errNoHead
	}
	// as git reads it (go-git's Config reads any value but 1 as 0)
	version := gitconfig.RepositoryFormatVersion(strings.TrimSpace(cfg.Section("core").Option("repositoryformatversion")))
	switch version {
	case "", gitconfig.Version_0, gitconfig.Version_1:
	default:
		return fmt.Errorf("core.repositoryformatversion not supported: %q", version)
	}
	if !cfg.HasSection("extensions") {
		return nil
	}
	var unknown []string
	for _, opt := range cfg.Section("extensions").Options {
		switch name := strings.ToLower(opt.Key); {
		case slices.Contains(readOnlySafeExtensions, name):
		case name == "noop":
		case name == "noop-v1" && version == gitconfig.Version_1:
		case name == "noop-v1":
			return fmt.Errorf("core.repositoryformatversion does not support extension: %s", name)
		default:
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("unknown extension: %s", strings.Join(unknown, ", "))
	}
	return nil
}

// repoObjects reads objects and resolves revisions for a Repo, as go-git's
// Repository would, without linking go-git's top-level package: its network
// transports and their dependencies cost every run, a pre-commit hook's
// included, about 3 ms of start-up.
type repoObjects struct {
	Storer *objectStorage
	repo   *Repo
}

// Head is the reference HEAD resolves to.
func (o *repoObjects) Head() (*plumbing.Reference, error) {
	return storer.ResolveReference(o.Storer, plumbing.HEAD)
}

// errNoSuchRevision means git found nothing rev names.
var errNoSuchRevision = errors.New("no such revision")

// ResolveRevision returns the object rev names, as git decides: a full
// object id, HEAD or a full ref name (refs/...) are read here, as git
// reads them; anything else is asked of git itself (git rev-parse), so
// every syntax git accepts means what it means to git. When git cannot
// answer (not installed, or it refuses the repository: "dubious
// ownership"), its own message is the error; when it answers that rev
// names nothing, the error wraps errNoSuchRevision.
func (o *repoObjects) ResolveRevision(rev string) (plumbing.Hash, error) {
	// an option is not a revision, and git must not take it for one
	if rev == "" || strings.HasPrefix(rev, "-") {
		return plumbing.ZeroHash, fmt.Errorf("%q: %w", rev, errNoSuchRevision)
	}
	if h, ok, err := o.readRevision(rev); ok || err != nil {
		return h, err
	}
	cmd := o.git("rev-parse", "--verify", "--quiet", rev)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && strings.TrimSpace(stderr.String()) == "" {
			return plumbing.ZeroHash, fmt.Errorf("%q: %w", rev, errNoSuchRevision)
		}
		return plumbing.ZeroHash, fmt.Errorf("resolving %q with git rev-parse: %w%s", rev, err, gitSays(stderr.String()))
	}
	id := strings.TrimSpace(string(out))
	if !plumbing.IsHash(id) {
		return plumbing.ZeroHash, fmt.Errorf("git rev-parse %s: %q is not a SHA-1 object id (only SHA-1 repositories are read)", rev, id)
	}
	return o.existing(rev, plumbing.NewHash(id))
}

// git is a git command run on the repository.
func (o *repoObjects) git(args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Env = append(os.Environ(), "GIT_DIR="+o.repo.GitDir)
	cmd.Dir = o.repo.GitDir
	if o.repo.WorkTree != "" {
		cmd.Env = append(cmd.Env, "GIT_WORK_TREE="+o.repo.WorkTree)
		cmd.Dir = o.repo.WorkTree
	}
	return cmd
}

// mergeBases returns every best common ancestor of commits a and b, as
// git decides (git merge-base --all): none when they share no history.
func (o *repoObjects) mergeBases(a, b plumbing.Hash) ([]plumbing.Hash, error) {
	cmd := o.git("merge-base", "--all", a.String(), b.String())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 && strings.TrimSpace(stderr.String()) == "" {
			return nil, nil // no common ancestor
		}
		return nil, fmt.Errorf("git merge-base: %w%s", err, gitSays(stderr.String()))
	}
	var bases []plumbing.Hash
	for _, id := range strings.Fields(string(out)) {
		if !plumbing.IsHash(id) {
			return nil, fmt.Errorf("git merge-base: %q is not a SHA-1 object id", id)
		}
		bases = append(bases, plumbing.NewHash(id))
	}
	return bases, nil
}

// readRevision resolves, without running git, the revisions CI passes:
// a full object id (git takes one as the object even when a ref has the
// same name), HEAD, and a full ref name. ok is false for anything else.
func (o *repoObjects) readRevision(rev string) (h plumbing.Hash, ok bool, err error) {
	switch {
	case plumbing.IsHash(rev) && strings.ToLower(rev) == rev:
		h, err = o.existing(rev, plumbing.NewHash(rev))
		return h, true, err
	case rev == "HEAD" || strings.HasPrefix(rev, "refs/") && !strings.ContainsAny(rev, "^~:@{}[]*? \\"):
		ref, err := storer.ResolveReference(o.Storer, plumbing.ReferenceName(rev))
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return plumbing.ZeroHash, false, nil // git's to decide (it may name an object another way)
		}
		if err != nil {
			return plumbing.ZeroHash, true, fmt.Errorf("reading %s: %w", rev, err)
		}
		h, err = o.existing(rev, ref.Hash())
		return h, true, err
	}
	return plumbing.ZeroHash, false, nil
}

// existing returns h if the object is here: a full object id passes git's
// --verify unread.
func (o *repoObjects) existing(rev string, h plumbing.Hash) (plumbing.Hash, error) {
	if err := o.Storer.HasEncodedObject(h); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%q names %s, which is not here: %w", rev, h, errNoSuchRevision)
	}
	return h, nil
}

func gitSays(stderr string) string {
	if s := strings.TrimSpace(stderr); s != "" {
		return " (" + s + ")"
	}
	return ""
}

// readConfig reads a git config file with go-git's decoder of git's
// format; a missing file is an empty config.
func readConfig(path string) (*gitconfig.Config, error) {
	cfg := gitconfig.New()
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := gitconfig.NewDecoder(f).Decode(cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Clone opens another handle on the same repository, for a worker: go-git
// object readers are not safe for concurrent use.
func (r *Repo) Clone() (*Repo, error) {
	c := &Repo{GitDir: r.GitDir, CommonDir: r.CommonDir, WorkTree: r.WorkTree, shallow: r.shallow, packs: r.packs, config: r.config}
	return c, c.open(nil) // shares r's packs and alternates
}

// openBlob opens a blob for streaming and says its size, or says why not:
// an error naming the object, or TooLargeError for blobs over maxSize
// (when positive).
func (r *Repo) openBlob(h plumbing.Hash, maxSize int64) (io.ReadCloser, int64, error) {
	blob, err := r.repo.Storer.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, 0, fmt.Errorf("object %s: %w", h, err)
	}
	if maxSize > 0 && blob.Size() > maxSize {
		return nil, 0, &TooLargeError{Size: blob.Size(), Max: maxSize}
	}
	rd, err := blob.Reader()
	if err != nil {
		return nil, 0, fmt.Errorf("object %s: %w", h, err)
	}
	return rd, blob.Size(), nil
}

// TooLargeError says a blob was not read because of --max-file-size.
type TooLargeError struct{ Size, Max int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%d bytes is over --max-file-size %d; not scanned", e.Size, e.Max)
}

// headTree returns HEAD's tree, or nil when HEAD is unborn (no commit yet).
func (r *Repo) headTree() (*tree, error) {
	ref, err := r.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading HEAD: %w", err)
	}
	c, err := r.readCommit(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("HEAD commit %s: %w", ref.Hash(), err)
	}
	t, err := r.readTree(c.TreeHash)
	if err != nil {
		return nil, fmt.Errorf("HEAD tree of %s: %w", ref.Hash(), err)
	}
	return t, nil
}
