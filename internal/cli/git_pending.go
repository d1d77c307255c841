package cli

import "context"

func runStaged(ctx context.Context, e *env, args []string) error {
	return usagef("staged: not built yet")
}
func runHistory(ctx context.Context, e *env, args []string) error {
	return usagef("history: not built yet")
}
func runHook(ctx context.Context, e *env, args []string) error { return usagef("hook: not built yet") }
