package cli

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=v1.2.3".
var Version = ""

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("version", "leakhound version")
	if _, err := fs.parse(e, args); err != nil {
		return err
	}
	fmt.Fprintf(e.io.Out, "leakhound %s\n", version())
	return nil
}

func version() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
