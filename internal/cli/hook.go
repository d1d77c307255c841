package cli

import (
	"context"
	"fmt"

	"github.com/leakhound/leakhound/internal/hook"
)

func runHook(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("hook", "leakhound hook install [--force] | uninstall\n\nInstalls or removes a git pre-commit hook that runs 'leakhound staged', in the hooks directory git\nuses (core.hooksPath is honoured; linked worktrees share the main repository's hooks).")
	var force bool
	fs.BoolVar(&force, "force", false, "replace a pre-commit hook that leakhound did not write (a copy is kept)")
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "install" && pos[0] != "uninstall") {
		return usagef("hook: say install or uninstall")
	}
	repo, err := openRepo(e)
	if err != nil {
		return err
	}
	dir, err := hook.Dir(repo.CommonDir, repo.WorkTree, e.getenv)
	if err != nil {
		return err
	}
	if pos[0] == "install" {
		res, err := hook.Install(dir, force)
		if err != nil {
			return err
		}
		fmt.Fprintln(e.io.Err, "leakhound: "+res)
		return nil
	}
	res, err := hook.Uninstall(dir)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.io.Err, "leakhound: "+res)
	return nil
}
