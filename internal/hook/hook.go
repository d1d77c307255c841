// Package hook owns the git pre-commit hook that runs `leakhound staged`:
// finding the hooks directory git uses, and installing or removing the hook
// without clobbering one that someone else wrote.
package hook

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// marker identifies a hook leakhound wrote.
const marker = "Installed by 'leakhound hook install'"

// Script is the pre-commit hook. It fails closed: without leakhound on PATH
// the commit is blocked with instructions.
const Script = `#!/bin/sh
# leakhound pre-commit hook: blocks commits that add GitHub or Anaconda credentials.
# ` + marker + `; remove it with 'leakhound hook uninstall'.
if ! command -v leakhound >/dev/null 2>&1; then
  echo "leakhound: not found in PATH, so the commit is blocked. Install it with" >&2
  echo "  go install github.com/leakhound/leakhound/cmd/leakhound@latest" >&2
  exit 1
fi
exec leakhound staged
`

const backupSuffix = ".leakhound-backup"

// Dir returns the hooks directory git uses: core.hooksPath (from the
// repository's config, then the global config) or COMMONDIR/hooks. A
// relative core.hooksPath is relative to the work tree, as git has it.
func Dir(commonDir, workTree string, getenv func(string) string) (string, error) {
	candidates := []string{filepath.Join(commonDir, "config")}
	if getenv("GIT_CONFIG_NOGLOBAL") == "" {
		if xdg := getenv("XDG_CONFIG_HOME"); xdg != "" {
			candidates = append(candidates, filepath.Join(xdg, "git", "config"))
		} else if home := getenv("HOME"); home != "" {
			candidates = append(candidates, filepath.Join(home, ".config", "git", "config"))
		}
		if home := getenv("HOME"); home != "" {
			candidates = append(candidates, filepath.Join(home, ".gitconfig"))
		}
	}
	for _, c := range candidates {
		p, ok, err := hooksPath(c)
		if err != nil {
			return "", err
		}
		if !ok {
			continue
		}
		if strings.HasPrefix(p, "~/") {
			p = filepath.Join(getenv("HOME"), p[2:])
		}
		if !filepath.IsAbs(p) {
			base := workTree
			if base == "" {
				base = commonDir
			}
			p = filepath.Join(base, p)
		}
		return p, nil
	}
	return filepath.Join(commonDir, "hooks"), nil
}

// hooksPath reads core.hooksPath from one git config file.
func hooksPath(path string) (string, bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	section, value, found := "", "", false
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			section = strings.ToLower(strings.TrimSpace(strings.Trim(line, "[]")))
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if ok && section == "core" && strings.EqualFold(strings.TrimSpace(k), "hookspath") {
			value, found = strings.Trim(strings.TrimSpace(v), `"`), true // the last one wins, as in git
		}
	}
	return value, found, s.Err()
}

func isOurs(path string) (exists, ours bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, strings.Contains(string(data), marker), nil
}

// Install writes the hook into dir. It refuses to replace a hook it did not
// write unless force is set, and then keeps that hook as a backup.
func Install(dir string, force bool) (string, error) {
	path := filepath.Join(dir, "pre-commit")
	exists, ours, err := isOurs(path)
	if err != nil {
		return "", err
	}
	msg := "installed the pre-commit hook at " + path
	switch {
	case exists && ours:
		msg = "the pre-commit hook at " + path + " is up to date"
	case exists && !force:
		return "", fmt.Errorf("%s already exists and was not written by leakhound; call 'leakhound staged' from it, or run 'leakhound hook install --force' to replace it (it is kept as pre-commit%s)", path, backupSuffix)
	case exists:
		if err := os.Rename(path, path+backupSuffix); err != nil {
			return "", fmt.Errorf("keeping the existing hook: %w", err)
		}
		msg += " (the previous hook is kept as " + path + backupSuffix + ")"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(path, []byte(Script), 0o755); err != nil {
		return "", err
	}
	return msg, os.Chmod(path, 0o755)
}

// Uninstall removes the hook from dir if leakhound wrote it, and restores a
// hook that Install replaced.
func Uninstall(dir string) (string, error) {
	path := filepath.Join(dir, "pre-commit")
	exists, ours, err := isOurs(path)
	if err != nil {
		return "", err
	}
	if !exists {
		return "no pre-commit hook is installed at " + path, nil
	}
	if !ours {
		return "", fmt.Errorf("%s was not written by leakhound; leaving it alone", path)
	}
	if err := os.Remove(path); err != nil {
		return "", err
	}
	if _, err := os.Stat(path + backupSuffix); err == nil {
		if err := os.Rename(path+backupSuffix, path); err != nil {
			return "", err
		}
		return "removed the leakhound hook and restored the previous one at " + path, nil
	}
	return "removed the pre-commit hook at " + path, nil
}
