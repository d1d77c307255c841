package git

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Alternates: a repository made with `git clone --shared` or `--reference`
// (or GIT_ALTERNATE_OBJECT_DIRECTORIES) borrows objects from other object
// directories listed in objects/info/alternates. go-git follows them only
// within its own directory, so they are resolved here as git does: relative
// paths from the objects directory that lists them, nested alternates to a
// depth of 5, each directory once.

const maxAlternateDepth = 5

// objectDirs returns the repository's objects directory followed by every
// alternate object directory it borrows from, in git's search order.
func objectDirs(objects string, getenv func(string) string) ([]string, error) {
	dirs := []string{filepath.Clean(objects)}
	seen := map[string]bool{dirs[0]: true}
	var add func(list []string, base string, depth int) error
	add = func(list []string, base string, depth int) error {
		for _, d := range list {
			if !filepath.IsAbs(d) {
				d = filepath.Join(base, d)
			}
			d = filepath.Clean(d)
			if seen[d] {
				continue
			}
			seen[d] = true
			if !isDir(d) {
				// git warns and goes on; an object needed from it is then
				// missing, which is an error when it is read
				continue
			}
			dirs = append(dirs, d)
			if depth >= maxAlternateDepth {
				continue
			}
			nested, err := readAlternates(d)
			if err != nil {
				return err
			}
			if err := add(nested, d, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	list, err := readAlternates(dirs[0])
	if err != nil {
		return nil, err
	}
	if env := getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES"); env != "" {
		list = append(list, filepath.SplitList(env)...)
	}
	if err := add(list, dirs[0], 1); err != nil {
		return nil, err
	}
	return dirs, nil
}

// readAlternates reads objects/info/alternates of an objects directory:
// one directory per line, blank lines and # comments skipped, C-quoted
// when it starts with a double quote.
func readAlternates(objects string) ([]string, error) {
	path := filepath.Join(objects, "info", "alternates")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '"' {
			unq, err := strconv.Unquote(line)
			if err != nil {
				return nil, fmt.Errorf("%s: cannot read the quoted path %s", path, line)
			}
			line = unq
		}
		out = append(out, line)
	}
	return out, nil
}
