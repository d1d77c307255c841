package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leakhound/leakhound/internal/hook"
	"github.com/leakhound/leakhound/internal/iostreams"
)

func runHook(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("hook", "leakhound hook install [--force] [--pre-push] | uninstall | status\n\nInstalls, removes or checks leakhound's git hooks in the directory git runs hooks from (git itself is\nasked: core.hooksPath from any config, linked worktrees): pre-commit and pre-merge-commit scan\nwhat is staged, commit-msg scans the message; --pre-push adds a hook that scans the commits being\npushed.")
	var force, prePush bool
	fs.BoolVar(&force, "force", false, "replace hooks that leakhound did not write (each is kept under a backup name)")
	fs.BoolVar(&prePush, "pre-push", false, "also install a pre-push hook")
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "install" && pos[0] != "uninstall" && pos[0] != "status") {
		if len(pos) == 1 {
			return usagef("hook: unknown action %q (say install, uninstall or status)", pos[0])
		}
		return usagef("hook: say install, uninstall or status")
	}
	// open the repository first: outside one, the error says so
	if _, err := openRepo(e); err != nil {
		return err
	}
	hooks := append([]hook.Hook(nil), hook.Default...)
	if prePush || pos[0] == "uninstall" {
		hooks = append(hooks, hook.PrePush)
	}
	if pos[0] == "status" {
		lines, ok, err := hook.Status(".", hook.Default)
		for _, l := range lines {
			fmt.Fprintln(e.io.Err, "leakhound: "+iostreams.Escape(l))
		}
		if err == nil && !ok {
			err = errors.New("leakhound's hooks are not all where git runs hooks, so commits are not all scanned")
		}
		return err
	}
	var msgs []string
	if pos[0] == "install" {
		msgs, err = hook.Install(".", hooks, selfPath(), force)
	} else {
		msgs, err = hook.Uninstall(".", hooks)
	}
	for _, m := range msgs {
		fmt.Fprintln(e.io.Err, "leakhound: "+iostreams.Escape(m))
	}
	return err
}

// selfPath is the absolute path of the running binary, for hooks to fall
// back on when leakhound is not on PATH.
func selfPath() string {
	p, err := os.Executable()
	if err != nil {
		return "leakhound"
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return p
}
