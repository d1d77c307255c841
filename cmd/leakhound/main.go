// Command leakhound finds leaked GitHub and Anaconda credentials in files,
// staged changes and git history.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/leakhound/leakhound/internal/cli"
	"github.com/leakhound/leakhound/internal/iostreams"
)

func main() { os.Exit(run()) }

// run is main without the exit: SIGINT and SIGTERM cancel the scan, which
// then reports what it found so far and exits 130.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Main(ctx, os.Args[1:], iostreams.System(), os.Getenv)
}
