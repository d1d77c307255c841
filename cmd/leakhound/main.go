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
	ctx, stop := notifyContext()
	defer stop()
	return cli.Main(ctx, os.Args[1:], iostreams.System(), os.Getenv)
}

// notifyContext is signal.NotifyContext(ctx, SIGINT, SIGTERM) with the
// handlers installed on another goroutine: installing them is most of a
// millisecond (the signal-watching thread starts), which a commit hook
// should not wait for. A signal that arrives before then ends the process
// as it would have before main ran.
func notifyContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	go func() {
		signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
		select {
		case <-signals:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		cancel()
		signal.Stop(signals)
	}
}
