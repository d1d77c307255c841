package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"
)

// Set at release build time with
//
//	-ldflags "-X github.com/leakhound/leakhound/internal/cli.Version=v1.2.3
//	          -X github.com/leakhound/leakhound/internal/cli.Commit=<sha>
//	          -X github.com/leakhound/leakhound/internal/cli.Date=<RFC 3339>"
//
// Without them, the module's build info answers: the module version for
// `go install …@version`, the commit and its time for a build from a clone.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

func runVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("version", "leakhound version\n\nPrints leakhound's version, the commit it was built from, when, and with which Go.")
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return commandUsagef("version", "takes no arguments")
	}
	b := buildInfo()
	fmt.Fprintf(e.io.Out, "leakhound %s\n", b.version)
	commit := b.commit
	if commit == "" {
		commit = "unknown (built without version control information, e.g. with go run)"
	} else if b.modified {
		commit += " (with uncommitted changes)"
	}
	fmt.Fprintf(e.io.Out, "commit  %s\n", commit)
	switch {
	case b.date != "" && Date != "":
		fmt.Fprintf(e.io.Out, "built   %s\n", b.date)
	case b.date != "":
		fmt.Fprintf(e.io.Out, "date    %s (the commit's)\n", b.date)
	}
	fmt.Fprintf(e.io.Out, "go      %s %s/%s\n", b.goVersion, runtime.GOOS, runtime.GOARCH)
	return nil
}

type build struct {
	version, commit, date, goVersion string
	modified                         bool
}

// buildInfo gathers what is known about this binary: ldflags first, then
// the module's build info.
func buildInfo() build {
	b := build{version: Version, commit: Commit, date: Date, goVersion: runtime.Version()}
	// a release tool's stand-ins for what it could not learn (a snapshot
	// without a remote) say nothing: fall back to the build info
	if b.commit == "none" || b.commit == "unknown" {
		b.commit = ""
	}
	if t, err := time.Parse(time.RFC3339, b.date); err == nil && t.Year() < 2000 {
		b.date = ""
	}
	info, ok := debug.ReadBuildInfo()
	if ok {
		if b.version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.commit == "" {
					b.commit = s.Value
				}
			case "vcs.time":
				if b.date == "" {
					b.date = s.Value
				}
			case "vcs.modified":
				b.modified = s.Value == "true"
			}
		}
		if info.GoVersion != "" {
			b.goVersion = info.GoVersion
		}
	}
	if b.version == "" {
		b.version = "devel"
		if b.commit != "" {
			b.version += "-" + shortCommit(b.commit)
		}
	}
	if t, err := time.Parse(time.RFC3339, b.date); err == nil {
		b.date = t.UTC().Format(time.RFC3339)
	}
	return b
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// version is the one-word version, for the User-Agent and SARIF.
func version() string { return buildInfo().version }
